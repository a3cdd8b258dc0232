/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libprtool: small helpers shared by the library's own files.
 *
 * The library sits at the bottom of userspace/: nothing in lib/ includes a
 * header of prtool/ (lib/ is compiled without prtool/'s include path), and
 * no library function prints or exits (make check's layering step checks
 * the objects' undefined symbols). See userspace/README.md, "Layering".
 */
#ifndef LIBPRTOOL_LPT_H
#define LIBPRTOOL_LPT_H

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

#endif /* LIBPRTOOL_LPT_H */
