"""The hotel's PMS: a typed port, the embedded simulator and QloApps adapters, resilience."""
