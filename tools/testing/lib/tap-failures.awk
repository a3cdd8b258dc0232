# SPDX-License-Identifier: GPL-2.0
#
# Print each failing result of TAP or KTAP output with the diagnostic
# lines ("# ...") right after it, at most 8 of them per failure: what the
# test got, what it expected, where it failed. Kernel log timestamps are
# stripped. The summary of a CI run shows nothing else of a test's log.
{
	line = $0
	sub(/\r$/, "", line)
	sub(/^\[ *[0-9]+\.[0-9]+\] /, "", line)
	if (match(line, /^[ \t]*not ok( |$)/)) {
		print line
		ndiag = 0
		indiag = 1
		next
	}
	if (indiag && match(line, /^[ \t]*#/) && ndiag < 8) {
		print line
		ndiag++
		next
	}
	indiag = 0
}
