"""One module a command (mapshaper's layout): each declares its help, an example, the options it
takes from the shared table in geo/cli.py (`OPTIONS`: one meaning per flag across commands) and its
`run(args)`.  geo/cli.py builds the parser from them, and docs/cli.md is generated from that parser."""

from geo.commands import build, chainage, check, export, import_, new, places, png, serve, validate

COMMANDS = {
    module.NAME: module for module in (build, png, check, validate, new, import_, serve, export, chainage, places)
}
