/* timefmt: lengths of time in words (see timefmt.h). */
#include "config.h"

#include <stdio.h>

#include "util/timefmt.h"

static const struct {
	long long secs;
	const char *name;
} units[] = {
	{ 86400, "day" }, { 3600, "hour" }, { 60, "minute" }, { 1, "second" },
};

#define NUNITS (sizeof units / sizeof *units)

char *timefmt_duration(long long secs, char *buf, size_t n)
{
	size_t i = 0;
	long long big, small;

	if (secs < 0)
		secs = 0;
	/* the largest unit the length reaches, and the one below it */
	while (i + 1 < NUNITS && secs < units[i].secs)
		i++;
	big = secs / units[i].secs;
	small = i + 1 < NUNITS && units[i].secs > 60 ?
			secs % units[i].secs / units[i + 1].secs :
			0;
	if (small)
		snprintf(buf, n, "%lld %s%s %lld %s%s", big, units[i].name,
			 big == 1 ? "" : "s", small, units[i + 1].name,
			 small == 1 ? "" : "s");
	else
		snprintf(buf, n, "%lld %s%s", big, units[i].name,
			 big == 1 ? "" : "s");
	return buf;
}
