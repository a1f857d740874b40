"""WhatsApp Cloud API channel: webhook signature and parsing, and the Graph API client."""
