/* xdb.cc - the C binding over xapian-core; the only C++ in evidence */
#include "config.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

#include <unistd.h>

#include <xapian.h>

#include "xdb.h"

/*
 * Every exported function is wrapped in try { ... } catch (...) { return
 * fail(handle); }.  fail() rethrows the exception in flight to sort it
 * (the way notmuch's _notmuch_xapian_error does) and keeps its message on
 * the handle.  No exception may leave this file.
 */

struct xdb {
	Xapian::Database *db;          /* the handle, read-only or writable */
	Xapian::WritableDatabase *wdb; /* the same object when writable */
	std::string path;
	std::string msg;
};

struct xdb_stem {
	Xapian::Stem stem;
};

/* Copy S into a malloc'd C string; NULL when out of memory. */
static char *dup_string(const std::string &s)
{
	char *p = static_cast<char *>(std::malloc(s.size() + 1));

	if (p) {
		std::memcpy(p, s.data(), s.size());
		p[s.size()] = '\0';
	}
	return p;
}

/* Sort the exception being handled into a status, and put its message in
 * MSG.  Must be called from inside a catch block. */
static ev_status classify(std::string &msg)
{
	try {
		throw;
	} catch (const Xapian::DatabaseLockError &e) {
		msg = e.get_description();
		return EV_LOCKED;
	} catch (const Xapian::DatabaseNotFoundError &e) {
		msg = e.get_description();
		return EV_NOT_FOUND;
	} catch (const Xapian::DatabaseCorruptError &e) {
		msg = e.get_description();
		return EV_CORRUPT;
	} catch (const Xapian::DatabaseVersionError &e) {
		msg = e.get_description();
		return EV_VERSION;
	} catch (const Xapian::DatabaseModifiedError &e) {
		msg = e.get_description();
		return EV_MODIFIED;
	} catch (const Xapian::DocNotFoundError &e) {
		msg = e.get_description();
		return EV_NOT_FOUND;
	} catch (const Xapian::QueryParserError &e) {
		msg = e.get_description();
		return EV_BAD_QUERY;
	} catch (const Xapian::InvalidArgumentError &e) {
		msg = e.get_description();
		return EV_USAGE;
	} catch (const Xapian::DatabaseError &e) {
		msg = e.get_description();
		const char *err = e.get_error_string();
		if (err && (std::strstr(err, "No space") ||
			    std::strstr(err, "Input/output") ||
			    std::strstr(err, "quota")))
			return EV_IO;
		return EV_INDEX;
	} catch (const Xapian::Error &e) {
		msg = e.get_description();
		return EV_INDEX;
	} catch (const std::bad_alloc &) {
		msg = "out of memory";
		return EV_NOMEM;
	} catch (const std::exception &e) {
		msg = e.what();
		return EV_INDEX;
	} catch (...) {
		msg = "unknown C++ exception";
		return EV_INDEX;
	}
}

/* Keep the message of the exception in flight on DB; never throws. */
static ev_status fail(xdb_t *db)
{
	std::string msg;
	ev_status rc = classify(msg);

	try {
		db->msg = msg;
	} catch (...) {
		/* Not even room for the message: the status still tells. */
	}
	return rc;
}

/* ------------------------------------------------------------------ */
/* Databases                                                           */

ev_status xdb_open(const char *path, enum xdb_mode mode, xdb_t **dbp,
		   char **msgp)
{
	xdb_t *db = nullptr;

	*dbp = nullptr;
	if (msgp)
		*msgp = nullptr;
	try {
		db = new xdb_t();
		db->db = nullptr;
		db->wdb = nullptr;
		db->path = path;
		if (mode == XDB_READ) {
			db->db = new Xapian::Database(path);
		} else {
			int action = mode == XDB_CREATE_OVERWRITE
					     ? Xapian::DB_CREATE_OR_OVERWRITE
					     : Xapian::DB_CREATE_OR_OPEN;
			db->wdb = new Xapian::WritableDatabase(path, action);
			db->db = db->wdb;
		}
		*dbp = db;
		return EV_OK;
	} catch (...) {
		std::string msg;
		ev_status rc = classify(msg);

		/* "Couldn't open lockfile" is a permission problem, not
		 * another writer: tell them apart by asking the system. */
		if (rc == EV_LOCKED && access(path, W_OK) != 0 &&
		    (errno == EACCES || errno == EROFS || errno == EPERM))
			rc = EV_READONLY;
		if (rc == EV_INDEX && access(path, F_OK) != 0)
			rc = EV_NOT_FOUND;
		if (msgp)
			*msgp = dup_string(msg);
		if (db) {
			delete db->db;
			delete db;
		}
		return rc;
	}
}

void xdb_close(xdb_t *db)
{
	if (!db)
		return;
	try {
		if (db->db)
			db->db->close();
	} catch (...) {
		/* The close of a writer commits; xdb_commit() reports. */
	}
	delete db->db;
	delete db;
}

const char *xdb_errmsg(const xdb_t *db)
{
	return db ? db->msg.c_str() : "no database";
}

ev_status xdb_commit(xdb_t *db)
{
	try {
		if (!db->wdb) {
			db->msg = "database is open read-only";
			return EV_USAGE;
		}
		db->wdb->commit();
		return EV_OK;
	} catch (...) {
		return fail(db);
	}
}

ev_status xdb_get_metadata(xdb_t *db, const char *key, char **valuep)
{
	*valuep = nullptr;
	try {
		std::string v = db->db->get_metadata(key);

		*valuep = dup_string(v);
		return *valuep ? EV_OK : EV_NOMEM;
	} catch (...) {
		return fail(db);
	}
}

ev_status xdb_set_metadata(xdb_t *db, const char *key, const char *value)
{
	try {
		if (!db->wdb) {
			db->msg = "database is open read-only";
			return EV_USAGE;
		}
		db->wdb->set_metadata(key, value);
		return EV_OK;
	} catch (...) {
		return fail(db);
	}
}

/* ------------------------------------------------------------------ */
/* Stemming                                                            */

xdb_stem_t *xdb_stem_new(const char *lang, char **msgp)
{
	if (msgp)
		*msgp = nullptr;
	try {
		xdb_stem_t *s = new xdb_stem_t();

		try {
			s->stem = Xapian::Stem(lang);
		} catch (...) {
			delete s;
			throw;
		}
		return s;
	} catch (...) {
		std::string msg;

		classify(msg);
		if (msgp)
			*msgp = dup_string(msg);
		return nullptr;
	}
}

void xdb_stem_free(xdb_stem_t *stem)
{
	delete stem;
}

size_t xdb_stem_word(xdb_stem_t *stem, const char *word, size_t len,
		     char *out, size_t outsz)
{
	try {
		std::string s = stem->stem(std::string(word, len));

		if (outsz > 0) {
			size_t n = s.size() < outsz - 1 ? s.size() : outsz - 1;

			std::memcpy(out, s.data(), n);
			out[n] = '\0';
		}
		return s.size();
	} catch (...) {
		if (outsz > 0)
			out[0] = '\0';
		return 0;
	}
}
