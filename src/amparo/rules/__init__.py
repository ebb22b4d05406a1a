"""Rule content, apart from the engine. ``amparo.rules.us`` is the US pack of the legal brief.

Rule files import only :mod:`amparo.rules.rules_api`.
"""
