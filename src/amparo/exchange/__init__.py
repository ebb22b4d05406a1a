"""Confidential exchange: access policy, 8 CFR 208.6, audit trail, signed envelopes."""
