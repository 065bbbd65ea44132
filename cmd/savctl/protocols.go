package main

// checkers lists the kinds of file check and convert know, most specific
// first: each protocol adds its kinds here (v1a mail before v1a CSV, which
// takes any other file).
func checkers() []fileChecker {
	return []fileChecker{v2XML{}, v1aMail{}, v1aCSV{}}
}

// sources lists the kinds of file convert reads a ticket from, most
// specific first.
func sources() []ticketSource {
	return []ticketSource{jsonTicket{}, v2XML{}, v1aMail{}, v1aCSV{}}
}

// targets lists the forms convert writes (--to).
func targets() map[string]ticketTarget {
	return map[string]ticketTarget{"json": jsonTicket{}, "v1a": v1aCSV{}, "v2": v2XML{}}
}
