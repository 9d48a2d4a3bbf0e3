"""Fail when a JUnit report shows browser tests skipped, or none run at all."""

import sys
import xml.etree.ElementTree as ET

cases = [c for c in ET.parse(sys.argv[1]).iter("testcase") if ".browser." in c.get("classname", "")]
skipped = [c for c in cases if c.find("skipped") is not None]
if not cases or skipped:
    print(f"browser tests: {len(cases)} collected, {len(skipped)} skipped; they must all run", file=sys.stderr)
    sys.exit(1)
print(f"browser tests: {len(cases)} ran")
