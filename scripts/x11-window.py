#!/usr/bin/python3
"""Find or politely close a top-level X11 window by its title.

`close` sends WM_DELETE_WINDOW, exactly what a window manager sends when the
user clicks the close button, so the app sees a real close request. Tests use
it under Xvfb, where no window manager runs.

usage: x11-window.py count TITLE | close TITLE
"""
import sys

from Xlib import X, display, protocol


def windows_titled(dpy, title):
    net_name = dpy.intern_atom("_NET_WM_NAME")
    utf8 = dpy.intern_atom("UTF8_STRING")
    found = []

    def visit(window):
        try:
            attrs = window.get_attributes()
            prop = window.get_full_property(net_name, utf8)
            name = prop.value.decode() if prop else window.get_wm_name()
            if name == title and attrs.map_state == X.IsViewable:
                found.append(window)
            for child in window.query_tree().children:
                visit(child)
        except Exception:  # windows can vanish while we walk the tree
            pass

    visit(dpy.screen().root)
    return found


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("count", "close"):
        print(__doc__, file=sys.stderr)
        return 2
    action, title = sys.argv[1:]
    dpy = display.Display()
    found = windows_titled(dpy, title)
    if action == "count":
        print(len(found))
        return 0
    if not found:
        print(f"no window titled {title!r}", file=sys.stderr)
        return 1
    protocols = dpy.intern_atom("WM_PROTOCOLS")
    delete = dpy.intern_atom("WM_DELETE_WINDOW")
    for window in found:
        event = protocol.event.ClientMessage(
            window=window, client_type=protocols, data=(32, [delete, X.CurrentTime, 0, 0, 0])
        )
        window.send_event(event)
    dpy.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
