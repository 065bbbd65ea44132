// Package xmltok is a fast pull tokenizer for the XML documents of the SOAP
// services: the same tokens as a strict [encoding/xml.Decoder]'s Token, read
// through one large buffer with byte-class tables instead of a method call
// per byte, names and short attribute values interned, character data handed
// out of the buffer without a copy unless it had to be decoded.
//
// # What it guarantees
//
// For any input, [Decoder.Token] returns what Token of an [encoding/xml.Decoder]
// with its default settings (Strict, no AutoClose, no Entity map) and
// CharsetReader set to [golang.org/x/net/html/charset.NewReaderLabel] returns
// for the same bytes, call after call:
//
//   - the same tokens: names translated by namespace as encoding/xml
//     translates them (Name.Space is the URI; an unknown prefix is kept as the
//     Space; the "xml" prefix is the XML namespace; xmlns attributes are kept,
//     named {Space: "xmlns", Local: prefix} or {Local: "xmlns"}; the default
//     namespace applies to element names only, xmlns="" undeclares it);
//     attributes in document order, duplicates included; character data with
//     the five predefined entities and character references decoded and
//     "\r\n" and "\r" turned into "\n"; CDATA sections as CharData; comments,
//     processing instructions and directives as encoding/xml cuts them; the
//     end element of an empty element (<a/>) as a token of its own;
//   - the same refusals: end elements that do not match their start (an
//     [*xml.SyntaxError] on the same line), invalid UTF-8 and characters
//     outside the XML range in character data and attribute values, invalid
//     names, unknown entities, "]]>" in text, "--" in a comment, an XML
//     declaration of a version other than 1.0; a document that ends inside
//     an element is an *xml.SyntaxError, one that ends between root-level
//     tokens is io.EOF;
//   - the same positions: [Decoder.InputOffset] and [Decoder.InputPos] after
//     each token, and the Line of each *xml.SyntaxError (whose Msg is
//     encoding/xml's too, though callers should not rely on it);
//   - the same declared encodings: an XML declaration (a processing
//     instruction of target "xml", wherever it appears, as encoding/xml reads
//     it) naming an encoding other than UTF-8 sends the rest of the input
//     through [Decoder.CharsetReader] (charset.NewReaderLabel by default);
//     offsets then count the decoded bytes, as encoding/xml counts them;
//   - the same reader errors: an error of the underlying reader is returned
//     once the tokens before it are read, unchanged (io.EOF inside a token is
//     an *xml.SyntaxError "unexpected EOF").
//
// FuzzTokensMatchEncodingXML checks all of this against encoding/xml, the input
// read whole and in pieces.
//
// Two settings have no counterpart in encoding/xml: [Decoder.SkipBOM] skips a
// UTF-8 byte order mark at the start of the input (encoding/xml returns it as
// character data), and [Decoder.Limits] bounds the document.
//
// # Validity of tokens
//
// As with encoding/xml's Token, the bytes of CharData, Comment, ProcInst.Inst
// and Directive tokens are valid until the next call to Token or Skip: they
// may point into the input buffer. Names, attribute lists and attribute values
// belong to the caller: a StartElement's Attr is a new slice every time.
// Use [encoding/xml.CopyToken] to keep a token.
//
// # Limits
//
// [Limits] bounds the nesting depth, the number of elements, the attributes
// of one element (namespace declarations included) and the length of one
// token as written (a start tag with its attributes, a run of text, a comment,
// a CDATA section, a processing instruction). They are checked while reading,
// at the byte that goes beyond them, so a document beyond them costs what was
// read up to that byte: a token longer than MaxTokenBytes is never buffered
// whole. The error is a [*LimitError] naming the limit, with the line and
// offset of that byte; it unwraps to [ErrLimit]. The zero Limits imposes none.
//
// # Errors
//
// Token returns, and then keeps returning: an [*xml.SyntaxError] for a
// malformed document; a [*LimitError] (errors.Is [ErrLimit]) beyond the
// Limits; a [*DirectiveError] (errors.Is [ErrDirective]) for a directive when
// NoDirectives is set; encoding/xml's own errors for an XML declaration of
// another version or an encoding the CharsetReader cannot open; the reader's
// errors as they are; io.EOF at the end. [Decoder.Err] returns it.
//
// # Reading
//
// A Decoder reads its input in large blocks: it may read beyond the token it
// returns, and for a token longer than 256 bytes that it holds only in part
// it waits for half as many bytes again before parsing it anew, so that a long
// token costs linear time. Reset reuses a Decoder, its buffers and the names
// it interned, for another document. A Decoder is not safe for concurrent
// use.
package xmltok
