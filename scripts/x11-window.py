#!/usr/bin/python3
"""Find, answer or politely close a top-level X11 window by its title.

`close` sends WM_DELETE_WINDOW, exactly what a window manager sends when the
user clicks the close button, so the app sees a real close request. `keys`
gives the window the keyboard focus and types a key combination through
XTEST, as a person at the keyboard would (`alt+r`, `Escape`): it answers the
native dialogs the web view cannot reach. Tests use it under Xvfb, where no
window manager runs.

`painted` is for benchmarks: it connects, prints "ready", then polls the
screen until a window with TITLE shows content (text or pictures: a dozen
colours or more, where a blank web view has one) and prints the wall-clock
time it saw it, in seconds since the epoch.

`id` prints the window's X id, for tools that take one (`import -window`).

usage: x11-window.py count TITLE | close TITLE | keys TITLE COMBO | painted TITLE SECONDS | id TITLE
"""
import sys
import time

from Xlib import X, XK, display, protocol
from Xlib.ext import xtest


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


KEY_NAMES = {"alt": "Alt_L", "ctrl": "Control_L", "shift": "Shift_L"}


def type_keys(dpy, window, combo):
    window.set_input_focus(X.RevertToParent, X.CurrentTime)
    dpy.sync()
    time.sleep(0.1)
    codes = []
    for name in combo.split("+"):
        keysym = XK.string_to_keysym(KEY_NAMES.get(name, name))
        if keysym == 0:
            raise SystemExit(f"unknown key {name!r}")
        codes.append(dpy.keysym_to_keycode(keysym))
    for code in codes:
        xtest.fake_input(dpy, X.KeyPress, code)
    for code in reversed(codes):
        xtest.fake_input(dpy, X.KeyRelease, code)
    dpy.sync()


def shows_content(window):
    geometry = window.get_geometry()
    image = window.get_image(0, 0, geometry.width, geometry.height, X.ZPixmap, 0xFFFFFFFF)
    data = image.data
    # A sample of the pixels is enough to tell a blank window from a page.
    colours = {data[i : i + 4] for i in range(0, len(data) - 4, 4 * 31)}
    return len(colours) >= 12


def wait_painted(dpy, title, seconds):
    print("ready", flush=True)
    deadline = time.time() + seconds
    while time.time() < deadline:
        for window in windows_titled(dpy, title):
            try:
                if shows_content(window):
                    print(f"{time.time():.6f}", flush=True)
                    return 0
            except Exception:  # not mapped yet, or gone
                pass
        time.sleep(0.002)
    print(f"no painted window titled {title!r} after {seconds} s", file=sys.stderr)
    return 1


def main():
    args = sys.argv[1:]
    if not args or (args[0], len(args)) not in (("count", 2), ("close", 2), ("keys", 3), ("painted", 3), ("id", 2)):
        print(__doc__, file=sys.stderr)
        return 2
    action, title = args[:2]
    dpy = display.Display()
    if action == "painted":
        return wait_painted(dpy, title, float(args[2]))
    found = windows_titled(dpy, title)
    if action == "count":
        print(len(found))
        return 0
    if not found:
        print(f"no window titled {title!r}", file=sys.stderr)
        return 1
    if action == "keys":
        type_keys(dpy, found[0], args[2])
        return 0
    if action == "id":
        print(hex(found[0].id))
        return 0
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
