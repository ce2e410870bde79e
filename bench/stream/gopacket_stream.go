// gopacket_stream: the gopacket side of libpkt's stream benchmark
// (bench/stream/run.sh; libpkt's side is stream_libpkt.c, libtins's
// libtins_stream.cpp).
//
// Every packet of a pcap file is loaded into memory first (pcapgo), then
// decoded with a DecodingLayerParser (Ethernet, IPv4, IPv6, TCP, Payload;
// reused layers) and given to gopacket's reassembly.Assembler.  Every byte
// delivered in order is hashed by its offset in its direction, as
// stream_libpkt does; when a connection completes (ReassemblyComplete, or
// FlushAll at the end of the input), one line per direction that carried
// data:
//
//	CLIENT_IP CLIENT_PORT SERVER_IP SERVER_PORT DIR BYTES GAP_BYTES HASH
//
// The hash: h = (h ^ (byte | offset << 8)) * FNV-prime over the bytes at
// offsets that are multiples of 16 (-hash sample) or over every byte
// (-hash full); offsets count the missing bytes gopacket reports (skip).
//
// Completed connections are printed after the run.  -mode quiet does all
// the work but prints only the totals (what callgrind measures, so that it
// counts reassembly and not formatting), -mode load only loads the packets
// (the baseline callgrind subtracts).
// -file decodes straight from the file (peak-RSS runs).  -flush-every N
// calls FlushCloseOlderThan(now - 300 s) every N packets, as gopacket's
// examples do (300 s is libpkt's default idle timeout); -max-pages sets
// MaxBufferedPagesTotal (0, gopacket's default, is no cap).  Summary on
// stderr:
//
//	peer=gopacket mode=M packets=N connections=C bytes=B gap_bytes=G
//
// usage: gopacket_stream [-mode full|quiet|load] [-file] [-hash sample|full]
//
//	[-flush-every N] [-max-pages N] FILE.pcap
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"
	"github.com/google/gopacket/reassembly"
)

const (
	fnvBasis = 0xcbf29ce484222325
	fnvPrime = 0x100000001b3
)

var (
	stride               uint64 = 16
	out                  *bufio.Writer
	nConns, nBytes, nGap uint64
)

// conn is one connection's state: the reassembly.Stream.
type conn struct {
	netFlow, tcpFlow gopacket.Flow
	bytes, gap, h    [2]uint64
	done             bool
}

func (c *conn) Accept(tcp *layers.TCP, ci gopacket.CaptureInfo, dir reassembly.TCPFlowDirection,
	nextSeq reassembly.Sequence, start *bool, ac reassembly.AssemblerContext) bool {
	return true
}

func (c *conn) ReassembledSG(sg reassembly.ScatterGather, ac reassembly.AssemblerContext) {
	length, _ := sg.Lengths()
	dir, _, _, skip := sg.Info()
	d := 0
	if dir == reassembly.TCPDirServerToClient {
		d = 1
	}
	if skip > 0 {
		c.gap[d] += uint64(skip)
		c.bytes[d] += uint64(skip)
	}
	if length == 0 {
		return
	}
	data := sg.Fetch(length)
	off := c.bytes[d]
	h := c.h[d]
	for k := (off + stride - 1) / stride * stride; k < off+uint64(length); k += stride {
		h = (h ^ (uint64(data[k-off]) | k<<8)) * fnvPrime
	}
	c.h[d] = h
	c.bytes[d] = off + uint64(length)
}

func (c *conn) ReassemblyComplete(ac reassembly.AssemblerContext) bool {
	if c.done {
		return true
	}
	c.done = true
	if c.bytes[0] != 0 || c.bytes[1] != 0 {
		done = append(done, c)
	}
	if printNow {
		printDone()
	}
	return true
}

// done holds the completed connections until printDone, after the run.
var (
	done     []*conn
	printNow bool
	quiet    bool // -mode quiet: totals only, no lines
)

func printDone() {
	for _, c := range done {
		for d := 0; d < 2; d++ {
			if c.bytes[d] == 0 {
				continue
			}
			if !quiet {
				fmt.Fprintf(out, "%s %s %s %s %d %d %d %016x\n", c.netFlow.Src(), c.tcpFlow.Src(),
					c.netFlow.Dst(), c.tcpFlow.Dst(), d, c.bytes[d]-c.gap[d], c.gap[d], c.h[d])
			}
			nBytes += c.bytes[d] - c.gap[d]
			nGap += c.gap[d]
		}
	}
	done = done[:0]
}

type factory struct{}

func (factory) New(netFlow, tcpFlow gopacket.Flow, tcp *layers.TCP, ac reassembly.AssemblerContext) reassembly.Stream {
	nConns++
	c := &conn{netFlow: netFlow, tcpFlow: tcpFlow}
	c.h[0], c.h[1] = fnvBasis, fnvBasis
	return c
}

type context struct{ ci gopacket.CaptureInfo }

func (c *context) GetCaptureInfo() gopacket.CaptureInfo { return c.ci }

// feeder decodes packets (DecodingLayerParser, reused layers) and gives the
// TCP ones to the assembler.
type feeder struct {
	eth        layers.Ethernet
	ip4        layers.IPv4
	ip6        layers.IPv6
	tcp        layers.TCP
	payload    gopacket.Payload
	parser     *gopacket.DecodingLayerParser
	decoded    []gopacket.LayerType
	asm        *reassembly.Assembler
	ctx        context
	n          int
	flushEvery int
}

func newFeeder(flushEvery, maxPages int) *feeder {
	f := &feeder{flushEvery: flushEvery, decoded: make([]gopacket.LayerType, 0, 8)}
	f.parser = gopacket.NewDecodingLayerParser(layers.LayerTypeEthernet, &f.eth, &f.ip4, &f.ip6, &f.tcp, &f.payload)
	f.parser.IgnoreUnsupported = true
	f.asm = reassembly.NewAssembler(reassembly.NewStreamPool(factory{}))
	f.asm.MaxBufferedPagesTotal = maxPages
	return f
}

func (f *feeder) packet(data []byte, ci gopacket.CaptureInfo) {
	f.n++
	_ = f.parser.DecodeLayers(data, &f.decoded)
	var netFlow gopacket.Flow
	isTCP := false
	for _, t := range f.decoded {
		switch t {
		case layers.LayerTypeIPv4:
			netFlow = f.ip4.NetworkFlow()
		case layers.LayerTypeIPv6:
			netFlow = f.ip6.NetworkFlow()
		case layers.LayerTypeTCP:
			isTCP = true
		}
	}
	if isTCP {
		f.ctx.ci = ci
		f.asm.AssembleWithContext(netFlow, &f.tcp, &f.ctx)
	}
	if f.flushEvery > 0 && f.n%f.flushEvery == 0 {
		f.asm.FlushCloseOlderThan(ci.Timestamp.Add(-300 * time.Second))
	}
}

// reassembleAll decodes every loaded packet, reassembles, flushes.
func reassembleAll(pkts []packet, flushEvery, maxPages int) {
	f := newFeeder(flushEvery, maxPages)
	for i := range pkts {
		f.packet(pkts[i].data, pkts[i].ci)
	}
	f.asm.FlushAll()
}

type packet struct {
	data []byte
	ci   gopacket.CaptureInfo
}

func openReader(path string) (*os.File, *pcapgo.Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	r, err := pcapgo.NewReader(bufio.NewReaderSize(f, 1<<20))
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, r, nil
}

// eachPacket calls fn for every packet of r (pcapgo returns a fresh slice
// per packet) and exits on a read error.
func eachPacket(r *pcapgo.Reader, fn func([]byte, gopacket.CaptureInfo)) {
	for {
		data, ci, err := r.ReadPacketData()
		if err == io.EOF {
			return
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "gopacket_stream:", err)
			os.Exit(1)
		}
		fn(data, ci)
	}
}

func main() {
	mode := flag.String("mode", "full", "full, quiet or load")
	fromFile := flag.Bool("file", false, "decode straight from the file")
	hash := flag.String("hash", "sample", "sample or full")
	flushEvery := flag.Int("flush-every", 0, "FlushCloseOlderThan every N packets (0: never)")
	maxPages := flag.Int("max-pages", 0, "MaxBufferedPagesTotal (0: no cap)")
	flag.Parse()
	if *mode == "quiet" {
		quiet = true
		*mode = "full"
	}
	if flag.NArg() != 1 || (*mode != "full" && *mode != "load") {
		fmt.Fprintln(os.Stderr, "usage: gopacket_stream [-mode full|quiet|load] [-file] [-hash sample|full] [-flush-every N] [-max-pages N] FILE.pcap")
		os.Exit(2)
	}
	if *hash == "full" {
		stride = 1
	}
	out = bufio.NewWriterSize(os.Stdout, 1<<16)
	defer out.Flush()

	f, r, err := openReader(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "gopacket_stream:", err)
		os.Exit(1)
	}
	defer f.Close()

	var pkts []packet
	n := 0
	if !*fromFile {
		eachPacket(r, func(data []byte, ci gopacket.CaptureInfo) { pkts = append(pkts, packet{data, ci}) })
	}

	if *mode == "full" {
		if *fromFile {
			printNow = true
			feed := newFeeder(*flushEvery, *maxPages)
			eachPacket(r, feed.packet)
			feed.asm.FlushAll()
			n = feed.n
		} else {
			reassembleAll(pkts, *flushEvery, *maxPages)
		}
		printDone()
	}
	if !*fromFile {
		n = len(pkts)
	}
	out.Flush()
	fmt.Fprintf(os.Stderr, "peer=gopacket mode=%s packets=%d connections=%d bytes=%d gap_bytes=%d\n",
		*mode, n, nConns, nBytes, nGap)
}
