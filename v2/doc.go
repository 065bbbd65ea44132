// Package v2 implements protocol SAV 2.0: the JSR-91 v1.0 OSS Trouble Ticket
// XML of V2.md with its SAV extension, the message bodies of every operation
// and the schema files.
package v2
