/* timefmt: lengths of time in words, for what natter tells the user
 * ("3 hours 5 minutes"). Plain C, no locale: the words are English like
 * the rest of natter's.
 */
#ifndef NATTER_UTIL_TIMEFMT_H
#define NATTER_UTIL_TIMEFMT_H

#include <stddef.h>

/* secs (>= 0; negative counts as 0) in words into buf (n bytes, always
 * terminated): seconds under a minute, minutes under an hour, then
 * hours and minutes, then days and hours, each unit singular or plural
 * ("1 minute", "2 days 1 hour"); a zero second unit is left out.
 * Returns buf. */
char *timefmt_duration(long long secs, char *buf, size_t n);

#endif
