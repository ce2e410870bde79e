// gopacket_serialize: the gopacket side of libpkt's crafting benchmark
// (bench/bench_craft.c builds the same packet).
//
// Builds an Ethernet/IPv4/TCP packet with options (MSS, SACK permitted,
// timestamps, NOP + window scale: 20 bytes) and a 100-byte payload with
// gopacket.SerializeLayers(buf, {FixLengths, ComputeChecksums}, ...), the
// buffer and layer objects reused, the sequence number and timestamp
// changing from packet to packet.  Prints
//
//	peer=gopacket op=serialize packets=N ns_per_packet=X bytes=B checksum_xor=C
//
// With -once it runs -n packets exactly once (for callgrind, with
// GODEBUG=asyncpreemptoff=1); otherwise it repeats -repeats times and
// reports the best run.
//
// usage: gopacket_serialize [-n N] [-repeats R] [-once]
package main

import (
	"encoding/binary"
	"flag"
	"fmt"
	"net"
	"os"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
)

func main() {
	n := flag.Int("n", 1000000, "packets per run")
	repeats := flag.Int("repeats", 5, "runs (best is reported)")
	once := flag.Bool("once", false, "one run, for callgrind")
	flag.Parse()

	eth := &layers.Ethernet{
		SrcMAC:       net.HardwareAddr{0x00, 0x1b, 0x21, 0x3a, 0x4f, 0x01},
		DstMAC:       net.HardwareAddr{0x02, 0x00, 0x00, 0x00, 0x00, 0x02},
		EthernetType: layers.EthernetTypeIPv4,
	}
	ip := &layers.IPv4{
		Version: 4, TTL: 64, Protocol: layers.IPProtocolTCP, Flags: layers.IPv4DontFragment,
		SrcIP: net.IP{10, 0, 0, 1}, DstIP: net.IP{10, 0, 0, 2},
	}
	tsopt := make([]byte, 8)
	tcp := &layers.TCP{
		SrcPort: 40400, DstPort: 12321, ACK: true, PSH: true, Window: 502,
		Options: []layers.TCPOption{
			{OptionType: layers.TCPOptionKindMSS, OptionLength: 4, OptionData: []byte{0x05, 0xb4}},
			{OptionType: layers.TCPOptionKindSACKPermitted, OptionLength: 2},
			{OptionType: layers.TCPOptionKindTimestamps, OptionLength: 10, OptionData: tsopt},
			{OptionType: layers.TCPOptionKindNop},
			{OptionType: layers.TCPOptionKindWindowScale, OptionLength: 3, OptionData: []byte{7}},
		},
	}
	tcp.SetNetworkLayerForChecksum(ip)
	payload := make([]byte, 100)
	for i := range payload {
		payload[i] = byte('a' + i%26)
	}
	pl := gopacket.Payload(payload)
	buf := gopacket.NewSerializeBuffer()
	opts := gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}

	run := func() (time.Duration, int, uint16) {
		var x uint16
		bytes := 0
		start := time.Now()
		for i := 0; i < *n; i++ {
			tcp.Seq = uint32(i)
			ip.Id = uint16(i)
			binary.BigEndian.PutUint32(tsopt, uint32(i))
			if err := gopacket.SerializeLayers(buf, opts, eth, ip, tcp, pl); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
			b := buf.Bytes()
			bytes = len(b)
			x ^= binary.BigEndian.Uint16(b[50:52])
		}
		return time.Since(start), bytes, x
	}
	if *once {
		_, b, x := run()
		fmt.Printf("peer=gopacket op=serialize packets=%d once=1 bytes=%d checksum_xor=%d\n", *n, b, x)
		return
	}
	best := time.Duration(1 << 62)
	var b int
	var x uint16
	for r := 0; r < *repeats; r++ {
		d, bb, xx := run()
		if d < best {
			best = d
		}
		b, x = bb, xx
	}
	fmt.Printf("peer=gopacket op=serialize packets=%d ns_per_packet=%.1f bytes=%d checksum_xor=%d\n",
		*n, float64(best.Nanoseconds())/float64(*n), b, x)
}
