#!/usr/bin/env python3
"""Validate JSON documents (one per line, or one whole document with
--whole) against a JSON Schema, with no packages beyond the standard
library.

Supports the keywords the project's schemas use: type, required,
properties, additionalProperties (false or a schema), items, enum, const,
pattern, minimum, maximum, minItems, maxItems, allOf, anyOf, if/then/else,
and local $ref ("#/$defs/NAME").  An unknown keyword is an error, so a
schema cannot quietly use something this checker ignores.

usage: validate_json.py SCHEMA [--whole] < INPUT
Exit 0 when every document is valid; 1 with the first errors otherwise.
"""
import json
import re
import sys

KNOWN = {"$schema", "$id", "title", "description", "type", "required",
         "properties", "additionalProperties", "items", "enum", "const",
         "pattern", "minimum", "maximum", "minItems", "maxItems", "allOf",
         "anyOf", "if", "then", "else", "$ref", "$defs"}

TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


class Validator:
    def __init__(self, root):
        self.root = root
        self.check_keywords(root, "#")

    def check_keywords(self, s, where):
        if isinstance(s, bool):
            return
        if not isinstance(s, dict):
            raise SystemExit("schema at %s is not an object" % where)
        for k in s:
            if k not in KNOWN:
                raise SystemExit("schema keyword %r at %s is not supported" % (k, where))
        for k in ("properties", "$defs"):
            for name, sub in s.get(k, {}).items():
                self.check_keywords(sub, "%s/%s/%s" % (where, k, name))
        for k in ("items", "if", "then", "else"):
            if k in s:
                self.check_keywords(s[k], where + "/" + k)
        if isinstance(s.get("additionalProperties"), dict):
            self.check_keywords(s["additionalProperties"], where + "/additionalProperties")
        for k in ("allOf", "anyOf"):
            for i, sub in enumerate(s.get(k, [])):
                self.check_keywords(sub, "%s/%s/%d" % (where, k, i))

    def resolve(self, ref):
        if not ref.startswith("#/"):
            raise SystemExit("only local $ref is supported: %s" % ref)
        node = self.root
        for part in ref[2:].split("/"):
            node = node[part]
        return node

    def errors(self, v, s, path="$"):
        """Yield error strings for value v against schema s."""
        if s is True:
            return
        if s is False:
            yield "%s: no value allowed here" % path
            return
        if "$ref" in s:
            yield from self.errors(v, self.resolve(s["$ref"]), path)
        if "type" in s:
            types = s["type"] if isinstance(s["type"], list) else [s["type"]]
            if not any(TYPES[t](v) for t in types):
                yield "%s: %r is not of type %s" % (path, v, "/".join(types))
                return
        if "const" in s and v != s["const"]:
            yield "%s: %r is not %r" % (path, v, s["const"])
        if "enum" in s and v not in s["enum"]:
            yield "%s: %r is not one of %r" % (path, v, s["enum"])
        if isinstance(v, str) and "pattern" in s and not re.search(s["pattern"], v):
            yield "%s: %r does not match %s" % (path, v, s["pattern"])
        if TYPES["number"](v):
            if "minimum" in s and v < s["minimum"]:
                yield "%s: %r is below %r" % (path, v, s["minimum"])
            if "maximum" in s and v > s["maximum"]:
                yield "%s: %r is above %r" % (path, v, s["maximum"])
        if isinstance(v, dict):
            for k in s.get("required", []):
                if k not in v:
                    yield "%s: missing required key %r" % (path, k)
            props = s.get("properties", {})
            for k, sub in v.items():
                if k in props:
                    yield from self.errors(sub, props[k], "%s.%s" % (path, k))
                elif "additionalProperties" in s:
                    ap = s["additionalProperties"]
                    if ap is False:
                        yield "%s: unexpected key %r" % (path, k)
                    elif isinstance(ap, dict):
                        yield from self.errors(sub, ap, "%s.%s" % (path, k))
        if isinstance(v, list):
            if "minItems" in s and len(v) < s["minItems"]:
                yield "%s: fewer than %d items" % (path, s["minItems"])
            if "maxItems" in s and len(v) > s["maxItems"]:
                yield "%s: more than %d items" % (path, s["maxItems"])
            if "items" in s:
                for i, item in enumerate(v):
                    yield from self.errors(item, s["items"], "%s[%d]" % (path, i))
        for sub in s.get("allOf", []):
            yield from self.errors(v, sub, path)
        if "anyOf" in s and not any(not list(self.errors(v, sub, path)) for sub in s["anyOf"]):
            yield "%s: matches none of anyOf" % path
        if "if" in s:
            if not list(self.errors(v, s["if"], path)):
                if "then" in s:
                    yield from self.errors(v, s["then"], path)
            elif "else" in s:
                yield from self.errors(v, s["else"], path)


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    schema = json.load(open(sys.argv[1]))
    whole = "--whole" in sys.argv[2:]
    val = Validator(schema)
    text = sys.stdin.read()
    docs = [text] if whole else [l for l in text.splitlines()]
    bad = 0
    for n, line in enumerate(docs, 1):
        try:
            doc = json.loads(line)
        except ValueError as e:
            print("document %d: not JSON: %s" % (n, e))
            bad += 1
            continue
        errs = list(val.errors(doc, schema))
        if errs:
            bad += 1
            for e in errs[:5]:
                print("document %d: %s" % (n, e))
        if bad >= 5:
            break
    if not docs:
        print("no documents")
        return 1
    if bad:
        return 1
    print("%d documents valid" % len(docs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
