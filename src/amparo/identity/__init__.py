"""Identity resolution: the same person across encounters, agencies and countries."""
