"""Flows: the official CBP, DHS OHSS and UNHCR data, charts, checked claims and forecasts."""
