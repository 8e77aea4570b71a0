package yamlfmt

import (
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// The YAML stsgen writes is byte for byte what go.yaml.in/yaml/v2 writes
// for the object's JSON decoded into generic values (sigs.k8s.io/yaml,
// which kubectl and most tools use, writes through it, so its output is
// what users diff against). RenderYAML writes that YAML from the JSON
// directly, without decoding into maps, reflection or the emitter's event
// queue. It follows the emitter's rules: keys in yaml.v2's natural order;
// a string plain when it reads back as the same string, double-quoted
// when it would read as another type, single-quoted when the plain form
// would be misread, as a literal block when it holds a newline; plain
// and quoted strings folded at spaces past column 80; sequences under a
// key not indented. TestYAMLWriter compares it with yaml.v2 on random
// values.
//
// A key longer than 128 bytes or holding a line break, which yaml.v2
// writes as a complex "? " key, a repeated key, or JSON other than
// encoding/json writes makes it report false; Marshal then falls
// back to yaml.v2.

const (
	yamlIndent = 2  // yaml.v2's best_indent
	yamlWidth  = 80 // yaml.v2's best_width
	// yamlMaxKey is the longest key yaml.v2 writes as a simple key.
	yamlMaxKey = 128
)

// yamlStyle is how a scalar is written.
type yamlStyle int

const (
	stylePlain yamlStyle = iota
	styleSingle
	styleDouble
	styleLiteral
)

// A yamlWriter holds the emitter's state: where the cursor is, whether
// what precedes it is whitespace or indentation, and the indentation of
// the node being written.
type yamlWriter struct {
	buf    []byte
	column int
	// indent is the current indentation; -1 before the root node.
	indent  int
	indents []int
	// whitespace: the last thing written was whitespace or an indicator
	// that needs no space after it; indention: nothing but indentation
	// has been written on this line.
	whitespace, indention bool
	// Context of the node being written.
	mapping, simpleKey bool
}

// RenderYAML returns the JSON of an object as yaml.v2 marshals the same
// object decoded into generic values, without its status, or false when
// it leaves the object to yaml.v2.
func RenderYAML(data []byte) ([]byte, bool) {
	p := jsonParser{data: string(data)}
	v, ok := p.value()
	if !ok || p.i != len(data) || v.kind != '{' {
		return nil, false
	}
	dropStatus(&v)
	w := &yamlWriter{indent: -1, whitespace: true, indention: true, buf: make([]byte, 0, 2*len(data))}
	if !w.node(&v, false, false) {
		return nil, false
	}
	// The document ends. yaml.v2 never ends the stream with "...".
	w.writeIndent()
	return w.buf, true
}

func (w *yamlWriter) put(b byte) {
	w.buf = append(w.buf, b)
	w.column++
}

func (w *yamlWriter) putBreak() {
	w.buf = append(w.buf, '\n')
	w.column = 0
}

// char copies the character at s[i] and returns the index after it; a
// character, whatever its width, takes one column.
func (w *yamlWriter) char(s string, i int) int {
	n := charWidth(s[i])
	w.buf = append(w.buf, s[i:i+n]...)
	w.column++
	return i + n
}

// run copies s, of n characters.
func (w *yamlWriter) run(s string, n int) {
	w.buf = append(w.buf, s...)
	w.column += n
}

// lineBreak copies the line break at s[i].
func (w *yamlWriter) lineBreak(s string, i int) int {
	if s[i] == '\n' {
		w.putBreak()
		return i + 1
	}
	i = w.char(s, i)
	w.column = 0
	return i
}

func (w *yamlWriter) writeIndent() {
	indent := max(w.indent, 0)
	if !w.indention || w.column > indent || (w.column == indent && !w.whitespace) {
		w.putBreak()
	}
	for w.column < indent {
		w.put(' ')
	}
	w.whitespace, w.indention = true, true
}

func (w *yamlWriter) indicator(s string, needSpace, isSpace, isIndention bool) {
	if needSpace && !w.whitespace {
		w.put(' ')
	}
	w.buf = append(w.buf, s...)
	w.column += len(s)
	w.whitespace = isSpace
	w.indention = w.indention && isIndention
}

func (w *yamlWriter) pushIndent(flow, indentless bool) {
	w.indents = append(w.indents, w.indent)
	switch {
	case w.indent < 0 && flow:
		w.indent = yamlIndent
	case w.indent < 0:
		w.indent = 0
	case !indentless:
		w.indent += yamlIndent
	}
}

func (w *yamlWriter) popIndent() {
	w.indent = w.indents[len(w.indents)-1]
	w.indents = w.indents[:len(w.indents)-1]
}

// node writes v in the given context.
func (w *yamlWriter) node(v *jsonValue, mapping, simpleKey bool) bool {
	w.mapping, w.simpleKey = mapping, simpleKey
	switch v.kind {
	case '{':
		if len(v.keys) == 0 {
			w.emptyFlow("{", "}")
			return true
		}
		for _, k := range v.keys {
			// yaml.v2 writes these as complex keys.
			if len(k) > yamlMaxKey || hasLineBreak(k) {
				return false
			}
		}
		order, ok := yamlOrder(v.keys)
		if !ok {
			return false
		}
		w.pushIndent(false, false)
		for _, i := range order {
			w.writeIndent()
			w.simpleKey = true
			w.scalar(v.keys[i], stringStyle(v.keys[i]))
			w.indicator(":", false, false, false)
			if !w.node(&v.elems[i], true, false) {
				return false
			}
		}
		w.popIndent()
	case '[':
		if len(v.elems) == 0 {
			w.emptyFlow("[", "]")
			return true
		}
		w.pushIndent(false, w.mapping && !w.indention)
		for i := range v.elems {
			w.writeIndent()
			w.indicator("-", true, false, true)
			if !w.node(&v.elems[i], false, false) {
				return false
			}
		}
		w.popIndent()
	case '"':
		w.scalar(v.text, stringStyle(v.text))
	case '0':
		// As Generic reads a number: an int64 if it is one, else a
		// float64.
		if n, err := strconv.ParseInt(v.text, 10, 64); err == nil {
			w.scalar(strconv.FormatInt(n, 10), stylePlain)
		} else {
			f, _ := strconv.ParseFloat(v.text, 64)
			w.scalar(formatYAMLFloat(f), stylePlain)
		}
	default:
		// true, false and null.
		w.scalar(v.text, stylePlain)
	}
	return true
}

// emptyFlow writes an empty map or sequence, which yaml.v2 writes in flow
// style.
func (w *yamlWriter) emptyFlow(open, close string) {
	w.indicator(open, true, true, false)
	w.pushIndent(true, false)
	w.popIndent()
	w.indicator(close, false, false, false)
}

func formatYAMLFloat(f float64) string {
	s := strconv.FormatFloat(f, 'g', -1, 64)
	switch s {
	case "+Inf":
		return ".inf"
	case "-Inf":
		return "-.inf"
	case "NaN":
		return ".nan"
	}
	return s
}

// stringStyle is the style yaml.v2 asks for a string: a literal block
// for text with a newline, plain when the plain form reads back as a
// string, else double-quoted. The emitter may still change it.
func stringStyle(s string) yamlStyle {
	switch {
	case strings.Contains(s, "\n"):
		return styleLiteral
	case readsAsString(s) && !base60Float(s):
		return stylePlain
	}
	return styleDouble
}

// scalar writes a scalar in the style the emitter picks for it.
func (w *yamlWriter) scalar(s string, style yamlStyle) {
	a := analyze(s)
	if w.simpleKey && a.multiline {
		style = styleDouble
	}
	if style == stylePlain && (!a.plain || s == "" && w.simpleKey) {
		style = styleSingle
	}
	if style == styleSingle && !a.single {
		style = styleDouble
	}
	if style == styleLiteral && (!a.block || w.simpleKey) {
		style = styleDouble
	}
	w.pushIndent(true, false)
	switch style {
	case stylePlain:
		w.plain(s, !w.simpleKey)
	case styleSingle:
		w.singleQuoted(s, !w.simpleKey)
	case styleDouble:
		w.doubleQuoted(s, !w.simpleKey)
	case styleLiteral:
		w.literal(s)
	}
	w.popIndent()
}

// scalarAnalysis says which styles can write a scalar.
type scalarAnalysis struct {
	multiline bool
	// plain: plain in block context; single: single-quoted; block: a
	// literal block.
	plain, single, block bool
}

// analyze looks at a scalar as the emitter does before picking a style.
func analyze(s string) scalarAnalysis {
	if s == "" {
		return scalarAnalysis{plain: true, single: true}
	}
	var (
		indicators                                 bool
		lineBreaks, special                        bool
		leadingSpace, leadingBreak                 bool
		trailingSpace, trailingBreak               bool
		breakSpace, spaceBreak                     bool
		previousSpace, previousBreak               bool
		precededByWhitespace, followedByWhitespace bool
	)
	if strings.HasPrefix(s, "---") || strings.HasPrefix(s, "...") {
		indicators = true
	}
	precededByWhitespace = true
	for i, n := 0, 0; i < len(s); i += n {
		if c := s[i]; i > 0 && c > ' ' && c < 0x7F && c != ':' && c != '#' {
			// Most characters: printable, neither space nor break,
			// and no indicator after the first.
			n = 1
			previousSpace, previousBreak, precededByWhitespace = false, false, false
			continue
		}
		n = charWidth(s[i])
		followedByWhitespace = i+n >= len(s) || isBlank(s, i+n)
		if i == 0 {
			switch s[i] {
			case '#', ',', '[', ']', '{', '}', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`':
				indicators = true
			case '?', ':', '-':
				if followedByWhitespace {
					indicators = true
				}
			}
		} else {
			switch s[i] {
			case ':':
				if followedByWhitespace {
					indicators = true
				}
			case '#':
				if precededByWhitespace {
					indicators = true
				}
			}
		}
		if !isPrintable(s, i) {
			special = true
		}
		switch {
		case s[i] == ' ':
			leadingSpace = leadingSpace || i == 0
			trailingSpace = trailingSpace || i+n == len(s)
			breakSpace = breakSpace || previousBreak
			previousSpace, previousBreak = true, false
		case isBreak(s, i):
			lineBreaks = true
			leadingBreak = leadingBreak || i == 0
			trailingBreak = trailingBreak || i+n == len(s)
			spaceBreak = spaceBreak || previousSpace
			previousSpace, previousBreak = false, true
		default:
			previousSpace, previousBreak = false, false
		}
		precededByWhitespace = isBlankOrBreak(s, i)
	}
	a := scalarAnalysis{multiline: lineBreaks, plain: true, single: true, block: true}
	if leadingSpace || leadingBreak || trailingSpace || trailingBreak || lineBreaks || indicators {
		a.plain = false
	}
	if trailingSpace {
		a.block = false
	}
	if breakSpace {
		a.plain, a.single = false, false
	}
	if spaceBreak || special {
		a.plain, a.single, a.block = false, false, false
	}
	return a
}

func (w *yamlWriter) plain(s string, allowBreaks bool) {
	if !w.whitespace {
		w.put(' ')
	}
	if n := utf8.RuneCountInString(s); !allowBreaks || w.column+n <= yamlWidth || !strings.Contains(s, " ") {
		// Nothing to fold: no space lies past the width.
		w.run(s, n)
		w.whitespace, w.indention = false, false
		return
	}
	spaces := false
	for i := 0; i < len(s); {
		if s[i] == ' ' {
			// The analysis rules out leading, trailing and adjacent
			// line breaks, so only spaces fold.
			if allowBreaks && !spaces && w.column > yamlWidth && !(i+1 < len(s) && s[i+1] == ' ') {
				w.writeIndent()
				i++
			} else {
				i = w.char(s, i)
			}
			spaces = true
			continue
		}
		i = w.char(s, i)
		w.indention = false
		spaces = false
	}
	w.whitespace, w.indention = false, false
}

func (w *yamlWriter) singleQuoted(s string, allowBreaks bool) {
	w.indicator("'", true, false, false)
	spaces, breaks := false, false
	for i := 0; i < len(s); {
		switch {
		case s[i] == ' ':
			if allowBreaks && !spaces && w.column > yamlWidth && i > 0 && i < len(s)-1 && s[i+1] != ' ' {
				w.writeIndent()
				i++
			} else {
				i = w.char(s, i)
			}
			spaces = true
		case isBreak(s, i):
			if !breaks && s[i] == '\n' {
				w.putBreak()
			}
			i = w.lineBreak(s, i)
			w.indention = true
			breaks = true
		default:
			if breaks {
				w.writeIndent()
			}
			if s[i] == '\'' {
				w.put('\'')
			}
			i = w.char(s, i)
			w.indention = false
			spaces, breaks = false, false
		}
	}
	w.indicator("'", false, false, false)
	w.whitespace, w.indention = false, false
}

func (w *yamlWriter) doubleQuoted(s string, allowBreaks bool) {
	w.indicator(`"`, true, false, false)
	spaces := false
	bom := strings.HasPrefix(s, "\uFEFF")
	for i := 0; i < len(s); {
		switch {
		case !isPrintable(s, i) || bom || isBreak(s, i) || s[i] == '"' || s[i] == '\\':
			r, n := utf8.DecodeRuneInString(s[i:])
			i += n
			w.escape(r)
			spaces = false
		case s[i] == ' ':
			if allowBreaks && !spaces && w.column > yamlWidth && i > 0 && i < len(s)-1 {
				w.writeIndent()
				if s[i+1] == ' ' {
					w.put('\\')
				}
				i++
			} else {
				i = w.char(s, i)
			}
			spaces = true
		default:
			i = w.char(s, i)
			spaces = false
		}
	}
	w.indicator(`"`, false, false, false)
	w.whitespace, w.indention = false, false
}

// escape writes r as a double-quoted escape sequence.
func (w *yamlWriter) escape(r rune) {
	w.put('\\')
	switch r {
	case 0x00:
		w.put('0')
	case 0x07:
		w.put('a')
	case 0x08:
		w.put('b')
	case 0x09:
		w.put('t')
	case 0x0A:
		w.put('n')
	case 0x0B:
		w.put('v')
	case 0x0C:
		w.put('f')
	case 0x0D:
		w.put('r')
	case 0x1B:
		w.put('e')
	case '"':
		w.put('"')
	case '\\':
		w.put('\\')
	case 0x85:
		w.put('N')
	case 0xA0:
		w.put('_')
	case 0x2028:
		w.put('L')
	case 0x2029:
		w.put('P')
	default:
		digits := 8
		switch {
		case r <= 0xFF:
			w.put('x')
			digits = 2
		case r <= 0xFFFF:
			w.put('u')
			digits = 4
		default:
			w.put('U')
		}
		for shift := (digits - 1) * 4; shift >= 0; shift -= 4 {
			w.put("0123456789ABCDEF"[(r>>shift)&0xF])
		}
	}
}

func (w *yamlWriter) literal(s string) {
	w.indicator("|", true, false, false)
	// Block scalar hints: an indentation indicator when the text starts
	// with a space or a break, and how trailing line breaks are kept.
	if s[0] == ' ' || isBreak(s, 0) {
		w.indicator(string(rune('0'+yamlIndent)), false, false, false)
	}
	last := lastCharStart(s, len(s))
	switch {
	case !isBreak(s, last):
		w.indicator("-", false, false, false)
	case last == 0 || isBreak(s, lastCharStart(s, last)):
		w.indicator("+", false, false, false)
	}
	w.putBreak()
	w.indention, w.whitespace = true, true
	breaks := true
	for i := 0; i < len(s); {
		if isBreak(s, i) {
			i = w.lineBreak(s, i)
			w.indention = true
			breaks = true
			continue
		}
		if breaks {
			w.writeIndent()
		}
		// The line up to the next break.
		j := i
		for j < len(s) && !isBreak(s, j) {
			j += max(charWidth(s[j]), 1)
		}
		w.run(s[i:j], utf8.RuneCountInString(s[i:j]))
		w.indention = false
		breaks = false
		i = j
	}
}

// lastCharStart returns where the character that ends before end starts.
func lastCharStart(s string, end int) int {
	i := end - 1
	for i > 0 && s[i]&0xC0 == 0x80 {
		i--
	}
	return i
}

// charWidth is the length of the UTF-8 sequence that starts with b.
func charWidth(b byte) int {
	switch {
	case b&0x80 == 0:
		return 1
	case b&0xE0 == 0xC0:
		return 2
	case b&0xF0 == 0xE0:
		return 3
	case b&0xF8 == 0xF0:
		return 4
	}
	return 0
}

// byteAt returns s[i], or 0 past the end.
func byteAt(s string, i int) byte {
	if i < len(s) {
		return s[i]
	}
	return 0
}

// isPrintable reports whether the character at s[i] may appear in YAML
// unescaped: tab is not among them, as in the emitter.
func isPrintable(s string, i int) bool {
	b := s[i]
	switch {
	case b == 0x0A, b >= 0x20 && b <= 0x7E:
		return true
	case b == 0xC2:
		return byteAt(s, i+1) >= 0xA0
	case b > 0xC2 && b < 0xED, b == 0xEE:
		return true
	case b == 0xED:
		return byteAt(s, i+1) < 0xA0
	case b == 0xEF:
		// Not U+FEFF, U+FFFE or U+FFFF.
		b1, b2 := byteAt(s, i+1), byteAt(s, i+2)
		return !(b1 == 0xBB && b2 == 0xBF) && !(b1 == 0xBF && (b2 == 0xBE || b2 == 0xBF))
	}
	return false
}

func isBlank(s string, i int) bool {
	return i < len(s) && (s[i] == ' ' || s[i] == '\t')
}

// isBreak reports whether a line break starts at s[i]: CR, LF, NEL, LS
// or PS.
func isBreak(s string, i int) bool {
	switch byteAt(s, i) {
	case '\r', '\n':
		return true
	case 0xC2:
		return byteAt(s, i+1) == 0x85
	case 0xE2:
		return byteAt(s, i+1) == 0x80 && (byteAt(s, i+2) == 0xA8 || byteAt(s, i+2) == 0xA9)
	}
	return false
}

func isBlankOrBreak(s string, i int) bool {
	return isBlank(s, i) || isBreak(s, i) || byteAt(s, i) == 0
}

func hasLineBreak(s string) bool {
	for i := range len(s) {
		if isBreak(s, i) {
			return true
		}
	}
	return false
}

// readsAsString reports whether s, written plain, reads back as a string
// and not as a bool, null, number or timestamp under YAML 1.1's rules as
// yaml.v2 applies them.
func readsAsString(s string) bool {
	if s == "" {
		return false
	}
	switch c := s[0]; {
	case strings.IndexByte("yYnNtTfFoO~", c) >= 0:
		return !yamlWords[s]
	case c == '.':
		if yamlWords[s] {
			return false
		}
		_, err := strconv.ParseFloat(s, 64)
		return err != nil
	case c == '+' || c == '-' || c >= '0' && c <= '9':
		return !yamlWords[s] && !readsAsNumber(s)
	}
	return true
}

// yamlWords are the plain scalars YAML 1.1 reads as bools, nulls and
// special floats.
var yamlWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`y Y yes Yes YES n N no No NO true True TRUE false False FALSE
		on On ON off Off OFF ~ null Null NULL .nan .NaN .NAN .inf .Inf .INF +.inf +.Inf +.INF
		-.inf -.Inf -.INF`) {
		m[w] = true
	}
	return m
}()

// readsAsNumber reports whether s, which starts with a sign or a digit,
// reads as a timestamp, an integer or a float.
func readsAsNumber(s string) bool {
	if isTimestamp(s) {
		return true
	}
	p := strings.ReplaceAll(s, "_", "")
	if _, err := strconv.ParseInt(p, 0, 64); err == nil {
		return true
	}
	if _, err := strconv.ParseUint(p, 0, 64); err == nil {
		return true
	}
	if yamlFloat.MatchString(p) {
		if _, err := strconv.ParseFloat(p, 64); err == nil {
			return true
		}
	}
	if b, ok := strings.CutPrefix(p, "0b"); ok {
		if _, err := strconv.ParseInt(b, 2, 64); err == nil {
			return true
		}
		if _, err := strconv.ParseUint(b, 2, 64); err == nil {
			return true
		}
	} else if b, ok := strings.CutPrefix(p, "-0b"); ok {
		if _, err := strconv.ParseInt("-"+b, 2, 64); err == nil {
			return true
		}
	}
	return false
}

var (
	yamlFloat   = regexp.MustCompile(`^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`)
	yamlBase60  = regexp.MustCompile(`^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`)
	yamlFormats = []string{
		"2006-1-2T15:4:5.999999999Z07:00",
		"2006-1-2t15:4:5.999999999Z07:00",
		"2006-1-2 15:4:5.999999999",
		"2006-1-2",
	}
)

// base60Float reports whether s is a YAML 1.1 sexagesimal number
// (1:20:30), which yaml.v2 quotes for older readers.
func base60Float(s string) bool {
	if s == "" || !(s[0] == '+' || s[0] == '-' || s[0] >= '0' && s[0] <= '9') || !strings.Contains(s, ":") {
		return false
	}
	return yamlBase60.MatchString(s)
}

// isTimestamp reports whether s reads as a YAML timestamp: it starts
// with four digits and a dash, and parses in one of the formats yaml.v2
// tries.
func isTimestamp(s string) bool {
	if len(s) < 5 || s[4] != '-' || strings.IndexFunc(s[:4], func(r rune) bool { return r < '0' || r > '9' }) >= 0 {
		return false
	}
	for _, f := range yamlFormats {
		if _, err := time.Parse(f, s); err == nil {
			return true
		}
	}
	return false
}

// yamlOrder returns the order in which yaml.v2 writes keys: letters
// before other characters, and runs of digits compared as numbers, so
// that "a2" comes before "a10". That order is not transitive for some
// keys with digits from other scripts, where yaml.v2's output depends on
// the map's iteration order; the keys are sorted bytewise first so that
// stsgen's does not. It reports false when a key repeats.
func yamlOrder(keys []string) ([]int, bool) {
	order := make([]int, len(keys))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(keys[a], keys[b]) })
	for i := 1; i < len(order); i++ {
		if keys[order[i]] == keys[order[i-1]] {
			return nil, false
		}
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case yamlKeyLess(keys[a], keys[b]):
			return -1
		case yamlKeyLess(keys[b], keys[a]):
			return 1
		}
		return 0
	})
	return order, true
}

func yamlKeyLess(a, b string) bool {
	if isASCIILetters(a) && isASCIILetters(b) {
		return a < b
	}
	// a and b agree up to byte i, so i is the same in both.
	for i := 0; i < len(a) && i < len(b); {
		ra, na := utf8.DecodeRuneInString(a[i:])
		rb, _ := utf8.DecodeRuneInString(b[i:])
		if ra == rb {
			i += na
			continue
		}
		al, bl := unicode.IsLetter(ra), unicode.IsLetter(rb)
		if al && bl {
			return ra < rb
		}
		if al || bl {
			return bl
		}
		var an, bn int64
		if ra == '0' || rb == '0' {
			// A zero after other digits is part of a number, not a
			// leading zero.
			for j := i; j > 0; {
				r, n := utf8.DecodeLastRuneInString(a[:j])
				if !unicode.IsDigit(r) {
					break
				}
				if r != '0' {
					an, bn = 1, 1
					break
				}
				j -= n
			}
		}
		an, ka := digitRun(a[i:], an)
		bn, kb := digitRun(b[i:], bn)
		if an != bn {
			return an < bn
		}
		if ka != kb {
			return ka < kb
		}
		return ra < rb
	}
	return len(a) < len(b)
}

// digitRun reads the digits s starts with onto n, as yaml.v2 does, and
// returns the number and how many digits there were.
func digitRun(s string, n int64) (int64, int) {
	k := 0
	for _, r := range s {
		if !unicode.IsDigit(r) {
			break
		}
		n = n*10 + int64(r-'0')
		k++
	}
	return n, k
}

// isASCIILetters reports whether s holds only ASCII letters, for which
// yaml.v2's order is the byte order.
func isASCIILetters(s string) bool {
	for i := range len(s) {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// A jsonValue is a JSON value as encoding/json writes it, keys in the
// order written: kind is '{', '[', '"' (text is the string), '0' (text is
// the number) or 't' (text is true, false or null).
type jsonValue struct {
	kind  byte
	text  string
	keys  []string
	elems []jsonValue
}

// dropStatus removes the status of an object and of its claim
// templates, which are whole objects too, as Generic does: generated
// objects describe what is wanted, not what is observed.
func dropStatus(obj *jsonValue) {
	obj.remove("status")
	spec := obj.field("spec")
	if spec == nil {
		return
	}
	if vcts := spec.field("volumeClaimTemplates"); vcts != nil && vcts.kind == '[' {
		for i := range vcts.elems {
			vcts.elems[i].remove("status")
		}
	}
}

func (v *jsonValue) field(key string) *jsonValue {
	if v.kind == '{' {
		if i := slices.Index(v.keys, key); i >= 0 {
			return &v.elems[i]
		}
	}
	return nil
}

func (v *jsonValue) remove(key string) {
	if v.kind == '{' {
		if i := slices.Index(v.keys, key); i >= 0 {
			v.keys = slices.Delete(v.keys, i, i+1)
			v.elems = slices.Delete(v.elems, i, i+1)
		}
	}
}

// A jsonParser reads the compact JSON encoding/json writes. It reports
// false on anything else, and the caller falls back to encoding/json.
// Strings without escapes share data's memory.
type jsonParser struct {
	data string
	i    int
}

func (p *jsonParser) value() (jsonValue, bool) {
	if p.i >= len(p.data) {
		return jsonValue{}, false
	}
	switch c := p.data[p.i]; c {
	case '{':
		p.i++
		v := jsonValue{kind: '{'}
		if p.next('}') {
			return v, true
		}
		for {
			k, ok := p.str()
			if !ok || !p.next(':') {
				return v, false
			}
			e, ok := p.value()
			if !ok {
				return v, false
			}
			v.keys, v.elems = append(v.keys, k), append(v.elems, e)
			if p.next('}') {
				return v, true
			}
			if !p.next(',') {
				return v, false
			}
		}
	case '[':
		p.i++
		v := jsonValue{kind: '['}
		if p.next(']') {
			return v, true
		}
		for {
			e, ok := p.value()
			if !ok {
				return v, false
			}
			v.elems = append(v.elems, e)
			if p.next(']') {
				return v, true
			}
			if !p.next(',') {
				return v, false
			}
		}
	case '"':
		s, ok := p.str()
		return jsonValue{kind: '"', text: s}, ok
	case 't', 'f', 'n':
		for _, lit := range []string{"true", "false", "null"} {
			if strings.HasPrefix(p.data[p.i:], lit) {
				p.i += len(lit)
				return jsonValue{kind: 't', text: lit}, true
			}
		}
		return jsonValue{}, false
	default:
		j := p.i
		for j < len(p.data) && strings.IndexByte("+-.0123456789eE", p.data[j]) >= 0 {
			j++
		}
		if j == p.i {
			return jsonValue{}, false
		}
		v := jsonValue{kind: '0', text: p.data[p.i:j]}
		p.i = j
		return v, true
	}
}

// next consumes c if it comes next.
func (p *jsonParser) next(c byte) bool {
	if p.i < len(p.data) && p.data[p.i] == c {
		p.i++
		return true
	}
	return false
}

// str reads a string; one with escapes is decoded by encoding/json.
func (p *jsonParser) str() (string, bool) {
	if !p.next('"') {
		return "", false
	}
	start := p.i - 1
	escaped := false
	for j := p.i; j < len(p.data); j++ {
		switch p.data[j] {
		case '\\':
			escaped = true
			j++
		case '"':
			p.i = j + 1
			if !escaped {
				s := p.data[start+1 : j]
				return s, utf8.ValidString(s)
			}
			var s string
			err := json.Unmarshal([]byte(p.data[start:p.i]), &s)
			return s, err == nil
		}
	}
	return "", false
}
