/* defaults.h - default configuration files, compiled into the binary */
#ifndef EVIDENCE_DEFAULTS_H
#define EVIDENCE_DEFAULTS_H

/*
 * The shipped lesson taxonomy (indexer/lessons.conf) and synonym list
 * (indexer/synonyms.conf), generated into defaults.c at build time.  The
 * binary carries them so that it works uninstalled; "evidence init"
 * writes copies into the collection for users to edit, and "make
 * install" puts the originals under $(pkgdatadir).
 */
extern const char default_lessons_conf[];
extern const char default_synonyms_conf[];

#endif
