"""Modules generated from proto/ by tools/regen-python. Do not edit."""
