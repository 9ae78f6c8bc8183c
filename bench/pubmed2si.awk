# pubmed2si.awk - efetch XML as gencorpus writes it, to scriptindex input
#
# Not a general PubMed converter: it relies on gencorpus's layout (one
# element per line, no entities) and exists so that scriptindex reads the
# same records as evidence.  One record per PubmedArticle, fields as
# bench/pubmed.si names them, a blank line after each record.
function inner(s, tag,    t) {
	t = s
	sub("^.*<" tag "[^>]*>", "", t)
	sub("</" tag ">.*$", "", t)
	return t
}
/<PMID / { print "pmid=" inner($0, "PMID") }
/<ArticleTitle>/ { print "title=" inner($0, "ArticleTitle") }
/<AbstractText/ { print "abstract=" inner($0, "AbstractText") }
/<Title>/ { print "journal=" inner($0, "Title") }
/<PubDate>/ { print "year=" inner($0, "Year") }
/<ELocationID/ { print "doi=" inner($0, "ELocationID") }
/<Author / {
	print "author=" inner($0, "ForeName") " " inner($0, "LastName")
}
/<KeywordList/ {
	n = split($0, parts, "<Keyword>")
	for (i = 2; i <= n; i++) {
		k = parts[i]
		sub("</Keyword>.*$", "", k)
		print "keyword=" k
	}
}
/<\/PubmedArticle>/ { print "" }
