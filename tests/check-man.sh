#!/bin/sh
# The COMMANDS section of natter(1) must be exactly what the command table
# generates (natter --commands-man); `make update-man` refreshes it.
man="${top_srcdir:-$(dirname "$0")/..}/man/natter.1"
: "${NATTER_BIN:?set NATTER_BIN to the natter binary}"
want=$(mktemp) got=$(mktemp)
trap 'rm -f "$want" "$got"' EXIT
"$NATTER_BIN" --commands-man >"$want" || exit 1
sed -n '/^\.\\" BEGIN COMMANDS/,/^\.\\" END COMMANDS/p' "$man" | sed '1d;$d' >"$got"
if ! [ -s "$got" ]; then
	echo "FAIL: no generated COMMANDS block in $man"
	exit 1
fi
if ! diff -u "$got" "$want"; then
	echo "FAIL: natter(1) lists other commands than the table: run make update-man"
	exit 1
fi
echo "man page commands: ok ($(grep -c '^\.TP' "$want") commands)"
