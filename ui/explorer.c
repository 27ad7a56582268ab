#include <stdio.h>

#include "../cli/options.h"
#include "ui.h"

int ui_main(struct cli_opts *o)
{
	(void)o;
	fprintf(stderr, "autoscope: the explorer is not built yet; use "
			"`autoscope train` (see autoscope --help)\n");
	return 2;
}
