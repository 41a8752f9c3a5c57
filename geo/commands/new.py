"""`geo new`: scaffold an incident (its events file with its own record) and a map recipe."""

NAME = "new"
HELP = "Start a new incident: its events file with the incident's record, and a map recipe from a template."
EXAMPLE = (
    'geo new jaffar-express-2025-10-07 --title "Blast derails the Jaffar Express near Sultan Kot" '
    '--date 2025-10-07 --place "1 km from sultan-kot" --kind ied-derailment --template site'
)
OPTIONS = ("slug", "title", "date", "place", "kind", "template", "layers", "maps")


def run(args) -> int:
    from geo.scaffold import new_incident, next_steps

    paths = new_incident(args.slug, args.title, args.date, args.place, args.template, args.layers, args.maps, args.kind)
    print(next_steps(args.slug, paths))
    return 0
