"""The suite's library: configuration, services, tracing, backend reads, apps, evidence."""
