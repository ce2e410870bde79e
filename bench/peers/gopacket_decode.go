// gopacket_decode: the gopacket side of libpkt's decoder comparison.
//
// Loads every packet of a pcap file into memory first (pcapgo, no cgo), then
// times decoding them, over several repeats, in two ways:
//
//	dlp        gopacket.DecodingLayerParser with reused Ethernet, Dot1Q, IPv4,
//	           IPv6, TCP, UDP, ICMPv4, ICMPv6, ARP, DNS and Payload layers
//	           (IgnoreUnsupported; the decode error is ignored, as the docs
//	           suggest for a parser that meets layers it has no decoder for)
//	newpacket  gopacket.NewPacket with the default decoders, Lazy off, NoCopy on
//	summary    dlp, then the fields a monitor prints per packet (the
//	           "with-fields" benchmark, the same fields and digest as
//	           libpkt's bench/decode/bench_decode summary and libtins_decode's
//	           summary): IPv4 or IPv6 addresses, TCP ports and flags or UDP
//	           ports, the first DNS question's name on UDP port 53, folded
//	           into a digest printed as digest=... (outputs checked equal)
//
// and prints one machine-readable line per mode:
//
//	peer=gopacket mode=dlp packets=N repeats=R ns_per_packet=X ns_per_packet_median=Y layers=L
//
// layers is the number of layers decoded in one pass (a check that the work
// was done and that both peers see the same packets).  Mode "load" only loads
// the packets; with -once, a mode runs exactly one pass and prints no timing
// worth reading, which is what callgrind measures (run with
// GODEBUG=asyncpreemptoff=1 so the runtime sends no preemption signals, and
// cpu.rdtscp=off: valgrind does not emulate RDTSCP on AMD hosts).
//
// usage: gopacket_decode [-mode all|dlp|newpacket|summary|load] [-once] [-n N] [-repeats R] FILE.pcap
package main

import (
	"bufio"
	"encoding/binary"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"sort"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"
)

// loadPackets reads up to limit packets (0: all) of a pcap file into memory.
func loadPackets(path string, limit int) ([][]byte, layers.LinkType, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	r, err := pcapgo.NewReader(bufio.NewReaderSize(f, 1<<20))
	if err != nil {
		return nil, 0, err
	}
	var pkts [][]byte
	for limit == 0 || len(pkts) < limit {
		data, _, err := r.ReadPacketData()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, 0, err
		}
		pkts = append(pkts, data) // pcapgo returns a fresh slice per packet
	}
	return pkts, r.LinkType(), nil
}

// dlpDecoder holds one DecodingLayerParser and its reused layer objects.
type dlpDecoder struct {
	eth     layers.Ethernet
	dot1q   layers.Dot1Q
	ip4     layers.IPv4
	ip6     layers.IPv6
	tcp     layers.TCP
	udp     layers.UDP
	icmp4   layers.ICMPv4
	icmp6   layers.ICMPv6
	arp     layers.ARP
	dns     layers.DNS
	payload gopacket.Payload
	parser  *gopacket.DecodingLayerParser
	decoded []gopacket.LayerType
}

func newDLP() *dlpDecoder {
	d := &dlpDecoder{}
	d.parser = gopacket.NewDecodingLayerParser(layers.LayerTypeEthernet,
		&d.eth, &d.dot1q, &d.ip4, &d.ip6, &d.tcp, &d.udp, &d.icmp4, &d.icmp6,
		&d.arp, &d.dns, &d.payload)
	d.parser.IgnoreUnsupported = true
	d.decoded = make([]gopacket.LayerType, 0, 16)
	return d
}

// passDLP decodes every packet once and returns the number of layers decoded.
func passDLP(d *dlpDecoder, pkts [][]byte) int {
	n := 0
	for _, p := range pkts {
		_ = d.parser.DecodeLayers(p, &d.decoded) // errors are anomalies, not failures
		n += len(d.decoded)
	}
	return n
}

const (
	fnvOff   uint64 = 0xcbf29ce484222325
	fnvPrime uint64 = 0x100000001b3
)

func mix(h, v uint64) uint64 { return (h ^ v) * fnvPrime }

// summaryDigest is the digest of the last passSummary.
var summaryDigest uint64

// passSummary decodes every packet with the DLP and folds its summary fields
// into a digest, word by word as bench_decode.c's summary() documents: 4 and
// src<<32|dst, or 6 and the four 64-bit halves of the addresses, or 0; unless
// the IPv4 header is a fragment's, 't'<<40|sport<<24|dport<<8|flags (low 8
// bits) or 'u'<<40|sport<<24|dport<<8, and for UDP to or from port 53 with a
// question 'd', the first question's name byte by byte, 0; then 0xff.  It
// returns the number of layers decoded.
func passSummary(d *dlpDecoder, pkts [][]byte) int {
	n := 0
	h := fnvOff
	for _, p := range pkts {
		_ = d.parser.DecodeLayers(p, &d.decoded)
		n += len(d.decoded)
		var ip4, ip6, tcp, udp, dns bool
		for _, t := range d.decoded {
			switch t {
			case layers.LayerTypeIPv4:
				ip4 = !ip6
			case layers.LayerTypeIPv6:
				ip6 = !ip4
			case layers.LayerTypeTCP:
				tcp = !udp
			case layers.LayerTypeUDP:
				udp = !tcp
			case layers.LayerTypeDNS:
				dns = true
			}
		}
		transport := true
		if ip4 {
			h = mix(mix(h, 4), uint64(binary.BigEndian.Uint32(d.ip4.SrcIP))<<32|uint64(binary.BigEndian.Uint32(d.ip4.DstIP)))
			transport = d.ip4.Flags&layers.IPv4MoreFragments == 0 && d.ip4.FragOffset == 0
		} else if ip6 {
			h = mix(h, 6)
			h = mix(mix(h, binary.BigEndian.Uint64(d.ip6.SrcIP[0:8])), binary.BigEndian.Uint64(d.ip6.SrcIP[8:16]))
			h = mix(mix(h, binary.BigEndian.Uint64(d.ip6.DstIP[0:8])), binary.BigEndian.Uint64(d.ip6.DstIP[8:16]))
		} else {
			h = mix(h, 0)
		}
		if transport && tcp {
			t := &d.tcp
			var fl uint64
			if t.FIN {
				fl |= 1
			}
			if t.SYN {
				fl |= 2
			}
			if t.RST {
				fl |= 4
			}
			if t.PSH {
				fl |= 8
			}
			if t.ACK {
				fl |= 16
			}
			if t.URG {
				fl |= 32
			}
			if t.ECE {
				fl |= 64
			}
			if t.CWR {
				fl |= 128
			}
			h = mix(h, uint64('t')<<40|uint64(t.SrcPort)<<24|uint64(t.DstPort)<<8|fl)
		} else if transport && udp {
			u := &d.udp
			h = mix(h, uint64('u')<<40|uint64(u.SrcPort)<<24|uint64(u.DstPort)<<8)
			if (u.SrcPort == 53 || u.DstPort == 53) && dns && len(d.dns.Questions) > 0 {
				h = mix(h, 'd')
				for _, c := range d.dns.Questions[0].Name {
					h = mix(h, uint64(c))
				}
				h = mix(h, 0)
			}
		}
		h = mix(h, 0xff)
	}
	summaryDigest = h
	return n
}

var npOpts = gopacket.DecodeOptions{Lazy: false, NoCopy: true}

// passNewPacket decodes every packet once with NewPacket and returns the number of layers.
func passNewPacket(pkts [][]byte) int {
	n := 0
	for _, p := range pkts {
		pk := gopacket.NewPacket(p, layers.LayerTypeEthernet, npOpts)
		n += len(pk.Layers())
	}
	return n
}

// printStats prints, on stderr, the layer types each mode decodes over all
// packets: a check that the modes (and the peers) do comparable work.
func printStats(pkts [][]byte) {
	show := func(mode string, m map[gopacket.LayerType]int) {
		keys := make([]string, 0, len(m))
		byName := map[string]int{}
		for t, n := range m {
			byName[t.String()] += n
		}
		for k := range byName {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		fmt.Fprintf(os.Stderr, "stats peer=gopacket mode=%s", mode)
		for _, k := range keys {
			fmt.Fprintf(os.Stderr, " %s=%d", k, byName[k])
		}
		fmt.Fprintln(os.Stderr)
	}
	d := newDLP()
	m := map[gopacket.LayerType]int{}
	for _, p := range pkts {
		_ = d.parser.DecodeLayers(p, &d.decoded)
		for _, t := range d.decoded {
			m[t]++
		}
	}
	show("dlp", m)
	m = map[gopacket.LayerType]int{}
	for _, p := range pkts {
		for _, l := range gopacket.NewPacket(p, layers.LayerTypeEthernet, npOpts).Layers() {
			m[l.LayerType()]++
		}
	}
	show("newpacket", m)
}

func main() {
	mode := flag.String("mode", "all", "all, dlp, newpacket, summary or load")
	once := flag.Bool("once", false, "run the chosen mode for exactly one pass (for callgrind)")
	limit := flag.Int("n", 0, "decode only the first N packets (0: all)")
	repeats := flag.Int("repeats", 5, "timed passes per mode; the minimum and median are reported")
	stats := flag.Bool("stats", false, "print, on stderr, how many layers of each type each mode decodes")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: gopacket_decode [-mode all|dlp|newpacket|summary|load] [-once] [-n N] [-repeats R] FILE.pcap")
		os.Exit(2)
	}
	// Load with the collector off, then collect and finish sweeping once: the
	// load leaves no garbage-collection work behind for the decoding to pay
	// for, and callgrind's load-only baseline is the same in every mode.
	gcPercent := debug.SetGCPercent(-1)
	pkts, lt, err := loadPackets(flag.Arg(0), *limit)
	runtime.GC()
	debug.SetGCPercent(gcPercent)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gopacket_decode:", err)
		os.Exit(1)
	}
	if lt != layers.LinkTypeEthernet {
		fmt.Fprintln(os.Stderr, "gopacket_decode: link type is not Ethernet:", lt)
		os.Exit(1)
	}
	if len(pkts) == 0 {
		fmt.Fprintln(os.Stderr, "gopacket_decode: no packets")
		os.Exit(1)
	}

	if *stats {
		printStats(pkts)
	}

	run := func(name string, pass func() int) {
		if *once {
			nl := pass()
			fmt.Printf("peer=gopacket mode=%s packets=%d repeats=1 once=1 layers=%d\n", name, len(pkts), nl)
			if name == "summary" {
				fmt.Printf("digest peer=gopacket mode=summary packets=%d digest=%016x\n", len(pkts), summaryDigest)
			}
			return
		}
		pass() // warm-up: caches, branch predictors, heap grown to its working size
		times := make([]float64, 0, *repeats)
		nl := 0
		for i := 0; i < *repeats; i++ {
			runtime.GC() // every pass starts from the same heap state
			t0 := time.Now()
			nl = pass()
			el := time.Since(t0)
			times = append(times, float64(el.Nanoseconds())/float64(len(pkts)))
		}
		sort.Float64s(times)
		fmt.Printf("peer=gopacket mode=%s packets=%d repeats=%d ns_per_packet=%.1f ns_per_packet_median=%.1f layers=%d\n",
			name, len(pkts), *repeats, times[0], times[len(times)/2], nl)
		if name == "summary" {
			fmt.Printf("digest peer=gopacket mode=summary packets=%d digest=%016x\n", len(pkts), summaryDigest)
		}
	}

	switch *mode {
	case "load":
		fmt.Printf("peer=gopacket mode=load packets=%d repeats=1 once=1 layers=0\n", len(pkts))
	case "dlp":
		d := newDLP()
		run("dlp", func() int { return passDLP(d, pkts) })
	case "newpacket":
		run("newpacket", func() int { return passNewPacket(pkts) })
	case "summary":
		d := newDLP()
		run("summary", func() int { return passSummary(d, pkts) })
	case "all":
		d := newDLP()
		run("dlp", func() int { return passDLP(d, pkts) })
		run("newpacket", func() int { return passNewPacket(pkts) })
		run("summary", func() int { return passSummary(d, pkts) })
	default:
		fmt.Fprintln(os.Stderr, "gopacket_decode: unknown mode", *mode)
		os.Exit(2)
	}
}
