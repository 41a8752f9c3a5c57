"""`geo validate`: layer files one by one against the data contract."""

import sys

NAME = "validate"
HELP = "Check layer files against the data contract; the layer kind comes from the file's name."
EXAMPLE = "geo validate layers/*.geojson layers/events/*.geojson"
OPTIONS = ("files",)


def run(args) -> int:
    from geo.validate import errors_only, validate_file

    failed = False
    for path in args.files:
        _, problems = validate_file(path)
        for problem in problems:
            print(problem, file=sys.stderr)
        errors = errors_only(problems)
        failed |= bool(errors)
        if not errors:
            print(f"{path}: ok")
    return 2 if failed else 0
