/* harvest-api.c - the API sources: PubMed, Crossref, Europe PMC, OpenAlex */
#include "config.h"

#include "harvest-int.h"

ev_status harvest_crossref(struct hsource *hs)
{
	hs_fail(hs, EV_UNSUPPORTED, 0, NULL, "type crossref: not built yet");
	return EV_OK;
}

ev_status harvest_europepmc(struct hsource *hs)
{
	hs_fail(hs, EV_UNSUPPORTED, 0, NULL, "type europepmc: not built yet");
	return EV_OK;
}

ev_status harvest_openalex(struct hsource *hs)
{
	hs_fail(hs, EV_UNSUPPORTED, 0, NULL, "type openalex: not built yet");
	return EV_OK;
}

ev_status harvest_references(struct hsource *hs)
{
	hs_fail(hs, EV_UNSUPPORTED, 0, NULL,
		"type references: not built yet");
	return EV_OK;
}
