# Turns the guest's run configuration (JSON: {"command", "hostname", "env": {}, "opts": {}, "optEnv": {}})
# into lines the busybox shell reads without eval: command<TAB>text | hostname<TAB>text
# | env<TAB>KEY<TAB>value | opt<TAB>name<TAB>value | optenv<TAB>name<TAB>VARIABLE. Tabs and newlines inside strings become spaces; \u escapes above 0x7f become '?'.
BEGIN { RS = "\001"; TAB = "\t"; SECTIONS["env"] = "env"; SECTIONS["opts"] = "opt"; SECTIONS["optEnv"] = "optenv" }
{ s = s $0 }
END {
  n = length(s); pos = 1
  ws()
  if (substr(s, pos, 1) != "{") fail("expected an object")
  pos++
  members("")
}
function fail(what) { printf "mpm-guest: %s: %s at offset %d\n", FILENAME, what, pos - 1 > "/dev/stderr"; exit 1 }
function ws() { while (pos <= n && index(" \t\r\n", substr(s, pos, 1)) > 0) pos++ }
function members(section,   key, value) {
  ws()
  if (substr(s, pos, 1) == "}") { pos++; return }
  while (1) {
    ws()
    if (substr(s, pos, 1) != "\"") fail("expected a key")
    key = str()
    ws()
    if (substr(s, pos, 1) != ":") fail("expected ':'")
    pos++; ws()
    if (section == "" && (key in SECTIONS) && substr(s, pos, 1) == "{") {
      pos++; members(SECTIONS[key])
    } else {
      value = scalar()
      if (section == "" && (key == "command" || key == "hostname")) print key TAB value
      else if (section != "") print section TAB clean(key) TAB value
    }
    ws()
    if (substr(s, pos, 1) == ",") { pos++; continue }
    if (substr(s, pos, 1) == "}") { pos++; return }
    fail("expected ',' or '}'")
  }
}
function clean(t) { gsub(/\t/, " ", t); return t }
# A string, number, true/false/null as text; nested objects and arrays are skipped (empty value).
function scalar(   c, start, depth) {
  c = substr(s, pos, 1)
  if (c == "\"") return str()
  if (c == "{" || c == "[") {
    depth = 0
    while (pos <= n) {
      c = substr(s, pos, 1)
      if (c == "\"") { str(); continue }
      if (c == "{" || c == "[") depth++
      if (c == "}" || c == "]") { depth--; if (depth == 0) { pos++; return "" } }
      pos++
    }
    fail("unterminated value")
  }
  start = pos
  while (pos <= n && index(",}] \t\r\n", substr(s, pos, 1)) == 0) pos++
  if (pos == start) fail("expected a value")
  c = substr(s, start, pos - start)
  return c == "null" ? "" : c
}
function str(   out, c, code) {
  pos++; out = ""
  while (pos <= n) {
    c = substr(s, pos, 1)
    if (c == "\"") { pos++; return out }
    if (c == "\\") {
      pos++; c = substr(s, pos, 1)
      if (c == "n" || c == "t" || c == "r") c = " "
      else if (c == "b" || c == "f") c = ""
      else if (c == "u") { code = hex(substr(s, pos + 1, 4)); pos += 4; c = (code >= 32 && code < 127) ? sprintf("%c", code) : "?" }
    } else if (c == "\t" || c == "\n") c = " "
    out = out c; pos++
  }
  fail("unterminated string")
}
function hex(h,   i, v, d) {
  v = 0; h = tolower(h)
  for (i = 1; i <= length(h); i++) { d = index("0123456789abcdef", substr(h, i, 1)); if (d == 0) fail("bad \\u escape"); v = v * 16 + d - 1 }
  return v
}
