#!/bin/sh
# The manual's generated parts must be exactly what the tables generate
# (`make update-man` refreshes them):
# - natter(1)'s COMMANDS section, from the command table
#   (natter --commands-man);
# - natterrc(5)'s OPTION SUMMARY, from the option table
#   (natter --options-man).
# The hand-written ACCOUNT OPTIONS and GLOBAL OPTIONS of natterrc(5) may
# describe an option at more length, but each heading there
# (.BR name " (type, default)") must be the table's heading for that
# option, in the same scope.
top="${top_srcdir:-$(dirname "$0")/..}"
: "${NATTER_BIN:?set NATTER_BIN to the natter binary}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

# block MAN NAME FLAG: the lines between .\" BEGIN NAME and .\" END NAME
# of MAN must be the output of natter FLAG.
block() {
	"$NATTER_BIN" "$3" >"$tmp/want" || exit 1
	sed -n "/^\.\\\\\" BEGIN $2/,/^\.\\\\\" END $2/p" "$1" | sed '1d;$d' >"$tmp/got"
	if ! [ -s "$tmp/got" ]; then
		echo "FAIL: no generated $2 block in $1"
		fail=1
	elif ! diff -u "$tmp/got" "$tmp/want"; then
		echo "FAIL: $1 differs from natter $3: run make update-man"
		fail=1
	fi
}

# headings SECTION SUBSECTION: every option heading of natterrc(5)'s
# SECTION must be one of the generated SUBSECTION's.
headings() {
	sed -n "/^\.SS \"$2\"/,/^\.SS /p" "$tmp/want" >"$tmp/gen"
	sed -n "/^\.SH $1\$/,/^\.SH /p" "$man5" | grep '^\.BR [a-z_]* " (' |
	while IFS= read -r h; do
		if ! grep -Fxq "$h" "$tmp/gen"; then
			echo "FAIL: $man5, $1: a heading that is not the table's:"
			echo "    $h"
			echo "  the table's, from natter --options-man:"
			grep "^\.BR $(echo "$h" | cut -d' ' -f2) " "$tmp/gen" |
				sed 's/^/    /' | grep . ||
				echo "    (no such option in that scope)"
			echo x >>"$tmp/bad"
		fi
	done
}

man1="$top/man/natter.1"
man5="$top/man/natterrc.5"
block "$man1" COMMANDS --commands-man
ncmds=$(grep -c '^\.TP' "$tmp/want")
block "$man5" OPTIONS --options-man
nopts=$(grep -c '^\.TP' "$tmp/want")
headings "ACCOUNT OPTIONS" "Account options"
headings "GLOBAL OPTIONS" "Global options"
nprose=$(sed -n '/^\.SH [A-Z]* OPTIONS$/,/^\.SH KEY/p' "$man5" | grep -c '^\.BR [a-z_]* " (')
if [ -e "$tmp/bad" ]; then
	echo "FAIL: natterrc(5) describes options otherwise than the table"
	fail=1
fi
[ $fail -eq 0 ] &&
	echo "man pages: ok ($ncmds commands, $nopts options, $nprose described at length)"
exit $fail
