#!/bin/sh
# Checks DESIGN.md's one-way include rules: curses only in src/ui/,
# strophe.h only in src/xmpp/, and core/ and util/ include neither ui/,
# cmd/ nor xmpp/ headers.
src="${top_srcdir:-$(dirname "$0")/..}/src"
fail=0
check() { # dirs pattern what
	hits=$(grep -rlE "$2" $1 2>/dev/null)
	if [ -n "$hits" ]; then
		echo "FAIL: $3: $hits"
		fail=1
	fi
}
check "$src/core $src/xmpp $src/cmd $src/util" '#include *[<"](n?curses|ncursesw/)' "curses outside src/ui"
check "$src/core $src/ui $src/cmd $src/util" '#include *[<"]strophe\.h' "strophe.h outside src/xmpp"
check "$src/core $src/util" '#include *"(ui|cmd|xmpp)/' "core/util include upper layers"
check "$src/util" '#include *"core/' "util includes core"
check "$src/xmpp" '#include *"(ui|cmd)/' "xmpp includes ui or cmd"
[ $fail -eq 0 ] && echo "layers: ok"
exit $fail
