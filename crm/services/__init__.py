"""CRM services: companies and contacts, deals with their product rows and reservations."""

USE_CRM = "crm.use_crm"
