/* evidence-type.h - what kind of evidence a work is */
#ifndef EVIDENCE_EVIDENCE_TYPE_H
#define EVIDENCE_EVIDENCE_TYPE_H

struct record;

/*
 * The evidence types, strongest first.  The names are what users type
 * (--type, "type:") and what records store; the table in
 * evidence-type.c gives each a description and a ranking prior.
 */
enum evidence_type {
	ET_SYSTEMATIC_REVIEW,
	ET_REVIEW,
	ET_STUDY, /* evaluation or primary study */
	ET_GUIDANCE,
	ET_REPORT,
	ET_EDITORIAL,
	ET_COMMENTARY,
	ET_LETTER,
	ET_NEWS, /* news or blog post */
	ET_OTHER,
	ET_COUNT
};

/* Canonical name ("systematic-review"), and a description for people. */
const char *evidence_type_name(enum evidence_type t);
const char *evidence_type_description(enum evidence_type t);

/* The type a NAME stands for: canonical names and the aliases "blog",
 * "evaluation", "primary-study", "sr" (ASCII case-insensitive); -1 when
 * unknown. */
int evidence_type_lookup(const char *name);

/* A weight in (0, 1] that ranking adds for stronger evidence. */
double evidence_type_prior(enum evidence_type t);

/* Classify REC from its publication types, CSL type, title and container,
 * in that order of trust. */
enum evidence_type evidence_type_classify(const struct record *rec);

/* 1 when REC has been retracted: its publication types say "Retracted
 * Publication" (PubMed's and Crossref's word, and what the store adds
 * when it stores a retraction notice).  A retracted work keeps its
 * evidence type; this flags it. */
int evidence_type_retracted(const struct record *rec);

#endif
