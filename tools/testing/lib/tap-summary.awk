# SPDX-License-Identifier: GPL-2.0
#
# Count the results in TAP or KTAP output (cmocka's TAP, our bash tests,
# KUnit's nested KTAP). Only leaves count: a result line that closes a
# subtest whose own results were counted is a parent and is skipped.
# Kernel log timestamps ("[    1.234567] ") are ignored.
#
# Also reads what the output promised: its plans ("1..N" at the top
# level: several documents in one output, as cmocka prints one per group,
# add up) and its minimum ("# min N" at the top level: at least N results,
# leaves, for output whose count depends on the kernel; tap.sh's tap_min).
#
# Prints "passed failed skipped planned top min declared" on one line:
# planned is the sum of the top-level plans (-1: no plan line), top the
# number of top-level results (leaves and parents), min the sum of the
# minimums (-1: none), declared 1 when a plan or a minimum came before
# the first result.
#
# With -v skips=1 it prints instead one line per skipped leaf: its reason,
# the text after "# SKIP" (tools/testing/skip-check.sh reads them).
BEGIN { planned = -1; min = -1 }
{
	line = $0
	sub(/\r$/, "", line)
	sub(/^\[ *[0-9]+\.[0-9]+\] /, "", line)
	if (match(line, /^1\.\.[0-9]+([ \t]|$)/)) {
		split(substr(line, 4), w, /[ \t]/)
		planned = (planned < 0 ? 0 : planned) + w[1]
		if (!results)
			declared = 1
		next
	}
	if (match(line, /^# min [0-9]+[ \t]*$/)) {
		min = (min < 0 ? 0 : min) + substr(line, 7)
		if (!results)
			declared = 1
		next
	}
	if (!match(line, /^[ \t]*(not ok|ok)( |$)/))
		next
	results++
	indent = line
	sub(/[^ \t].*$/, "", indent)
	d = length(indent)
	body = substr(line, d + 1)
	if (d == 0)
		top++

	parent = (d in deeper)
	for (k in deeper)
		if (k + 0 >= d)
			delete deeper[k]
	for (k = 0; k < d; k++)
		deeper[k] = 1
	if (parent)
		next

	if (body ~ /# *[Ss][Kk][Ii][Pp]/) {
		skipped++
		if (skips) {
			why = body
			sub(/^.*# *[Ss][Kk][Ii][Pp][^ \t]*[ \t]*/, "", why)
			sub(/[ \t]+$/, "", why)
			print why
		}
	}
	else if (body ~ /^not ok/)
		failed++
	else
		passed++
}
END {
	if (skips)
		exit
	printf "%d %d %d %d %d %d %d\n", passed, failed, skipped, planned, top,
		min, declared
}
