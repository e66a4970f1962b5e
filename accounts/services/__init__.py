"""Accounts services: a user's own profile and preferences."""
