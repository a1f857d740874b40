"""The embedded PMS simulator: a small real PMS in the app's database (`PMS_TYPE=simulator`)."""
