/* fuzz_image: picture decoding (core/image.c) on any bytes.
 *
 * The decoders are the libraries' (libpng, libjpeg, libwebp); what is
 * natter's is around them: the format sniffed, the header's size
 * checked before decoding, errors coming back through longjmp, the
 * picture shrunk. Whatever image_decode() accepts must be within the
 * limits, kept at most IMAGE_KEEP_SIDE a side, with its pixels; what
 * it refuses must say why and hold nothing. Any failure aborts.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/image.h"
#include "fuzz.h"

static void fail(const char *what)
{
	fprintf(stderr, "image: %s\n", what);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct image im;
	char *err = NULL;

	if (image_decode(data, size, &im, &err) == 0) {
		if (err)
			fail("an error with a picture");
		if (!im.px || !im.width || !im.height)
			fail("no pixels");
		if (im.width > IMAGE_KEEP_SIDE || im.height > IMAGE_KEEP_SIDE)
			fail("kept larger than IMAGE_KEEP_SIDE");
		if ((uint64_t)im.src_width * im.src_height > IMAGE_MAX_PIXELS)
			fail("over the pixel limit");
		/* every pixel is there to read */
		{
			unsigned sum = 0;

			for (size_t i = 0; i < (size_t)im.width * im.height * 4;
			     i++)
				sum += im.px[i];
			(void)sum;
		}
		image_clear(&im);
	} else {
		if (!err || !*err)
			fail("refused without a reason");
		if (im.px)
			fail("refused but holds pixels");
		free(err);
	}
	return 0;
}
