# SPDX-License-Identifier: GPL-2.0
#
# Count the results in TAP or KTAP output (cmocka's TAP, our bash tests,
# KUnit's nested KTAP). Only leaves count: a result line that closes a
# subtest whose own results were counted is a parent and is skipped.
# Kernel log timestamps ("[    1.234567] ") are ignored.
#
# Prints "passed failed skipped" on one line.
{
	line = $0
	sub(/\r$/, "", line)
	sub(/^\[ *[0-9]+\.[0-9]+\] /, "", line)
	if (!match(line, /^[ \t]*(not ok|ok)( |$)/))
		next
	indent = line
	sub(/[^ \t].*$/, "", indent)
	d = length(indent)
	body = substr(line, d + 1)

	parent = (d in deeper)
	for (k in deeper)
		if (k + 0 >= d)
			delete deeper[k]
	for (k = 0; k < d; k++)
		deeper[k] = 1
	if (parent)
		next

	if (body ~ /# *[Ss][Kk][Ii][Pp]/)
		skipped++
	else if (body ~ /^not ok/)
		failed++
	else
		passed++
}
END { printf "%d %d %d\n", passed, failed, skipped }
