"""Just enough YAML reading for the tests (the standard library has none): top-level scalar keys."""


def top_level(text):
    out = {}
    for line in text.splitlines():
        if line and not line.startswith((" ", "-")) and ": " in line:
            key, value = line.split(": ", 1)
            out[key] = value.strip('"')
    return out
