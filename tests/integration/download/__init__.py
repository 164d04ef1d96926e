"""The resumable, verified downloader against a fault-injecting HTTP server on 127.0.0.1 (tests D1-D4)."""
