"""A raw U+2028 (LINE SEPARATOR) or U+0085 inside a JSON string is valid JSON and valid JSON Lines
(lines end at \\n only). The batch reads the line whole; `amparo screen` splits lines with
str.splitlines(), so it refuses that document in two pieces and numbers every later line one off."""
import json, sys
sys.path.insert(0, "/tmp/fuzz_errors")
from repro_common import GOOD, run
person = dict(GOOD["person"], given_names="Ana\u2028María")
line2 = json.dumps(dict(GOOD, id="B-2", person=person), ensure_ascii=False).encode()
run(json.dumps(GOOD).encode() + b"\n" + line2 + b"\n" + b"{not json\n")
