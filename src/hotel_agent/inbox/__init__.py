"""The durable pipeline: inbound queue + worker, outbound queue + sender, dead letters."""
