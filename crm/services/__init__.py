"""CRM services: companies and contacts, deals with their product rows and reservations."""
