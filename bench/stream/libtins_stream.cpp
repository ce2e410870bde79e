// libtins_stream: the libtins side of libpkt's stream benchmark
// (bench/stream/run.sh; libpkt's side is stream_libpkt.c, gopacket's
// gopacket_stream.go).
//
// Every packet of a pcap file is loaded into memory first, then parsed
// (Tins::EthernetII over the bytes) and given to Tins::TCPIP::StreamFollower.
// Every byte delivered in order (client_data_callback/server_data_callback,
// payloads cleaned after each callback, libtins's default) is hashed by its
// offset in its direction, as stream_libpkt does; when a stream closes
// (stream_closed_callback), one line per direction that carried data:
//
//   CLIENT_IP CLIENT_PORT SERVER_IP SERVER_PORT DIR BYTES GAP_BYTES HASH
//
// Closed streams are printed after the run; --mode quiet does all the work
// but prints only the totals (what callgrind measures, so that it counts
// reassembly and not formatting).  libtins reports no missing bytes (it waits for them), so GAP_BYTES is 0.
// The hash: h = (h ^ (byte | offset << 8)) * FNV-prime over the bytes at
// offsets that are multiples of 16 (--hash sample) or every byte (--hash
// full).  --mode load only loads the packets (the baseline callgrind
// subtracts); --file parses straight from the file (peak-RSS runs).  Summary
// on stderr:
//
//   peer=libtins mode=M packets=N connections=C bytes=B gap_bytes=0
//
// usage: libtins_stream [--mode full|quiet|load] [--file] [--hash sample|full] FILE.pcap
#include <tins/tins.h>
#include <tins/tcp_ip/stream_follower.h>

#include <pcap/pcap.h>

#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace {

const uint64_t kFnvBasis = 0xcbf29ce484222325ull;
const uint64_t kFnvPrime = 0x100000001b3ull;

uint64_t g_stride = 16;
uint64_t g_conns, g_bytes;

struct Conn {
    uint64_t bytes[2] = {0, 0};
    uint64_t h[2] = {kFnvBasis, kFnvBasis};
};

void absorb(Conn &c, int d, const std::vector<uint8_t> &data)
{
    uint64_t off = c.bytes[d];
    uint64_t h = c.h[d];
    for (uint64_t k = (off + g_stride - 1) / g_stride * g_stride; k < off + data.size();
         k += g_stride)
        h = (h ^ (uint64_t(data[k - off]) | k << 8)) * kFnvPrime;
    c.h[d] = h;
    c.bytes[d] = off + data.size();
}

// Closed streams wait here and are printed after the run (print_closed).
struct Closed {
    bool v6;
    Tins::IPv4Address a4, b4;
    Tins::IPv6Address a6, b6;
    uint16_t cport, sport;
    Conn c;
};
std::vector<Closed> g_closed;
bool g_quiet; // --mode quiet: totals only, no lines

void on_closed(Tins::TCPIP::Stream &s, const Conn &c)
{
    if (c.bytes[0] == 0 && c.bytes[1] == 0)
        return;
    Closed e;
    e.v6 = s.is_v6();
    if (e.v6) {
        e.a6 = s.client_addr_v6();
        e.b6 = s.server_addr_v6();
    } else {
        e.a4 = s.client_addr_v4();
        e.b4 = s.server_addr_v4();
    }
    e.cport = s.client_port();
    e.sport = s.server_port();
    e.c = c;
    g_closed.push_back(e);
}

void print_closed()
{
    for (const Closed &e : g_closed) {
        std::string a, b;
        if (!g_quiet) {
            a = e.v6 ? e.a6.to_string() : e.a4.to_string();
            b = e.v6 ? e.b6.to_string() : e.b4.to_string();
        }
        for (int d = 0; d < 2; d++) {
            if (e.c.bytes[d] == 0)
                continue;
            if (!g_quiet)
                std::printf("%s %u %s %u %d %" PRIu64 " 0 %016" PRIx64 "\n", a.c_str(),
                        unsigned(e.cport), b.c_str(), unsigned(e.sport), d, e.c.bytes[d],
                        e.c.h[d]);
            g_bytes += e.c.bytes[d];
        }
    }
    g_closed.clear();
}

void on_new(Tins::TCPIP::Stream &s)
{
    g_conns++;
    // this libtins build has no Stream::user_data (TINS_HAVE_TCP_STREAM_CUSTOM_DATA
    // is off): the callbacks share the state instead
    auto c = std::make_shared<Conn>();
    s.client_data_callback(
        [c](Tins::TCPIP::Stream &st) { absorb(*c, 0, st.client_payload()); });
    s.server_data_callback(
        [c](Tins::TCPIP::Stream &st) { absorb(*c, 1, st.server_payload()); });
    s.stream_closed_callback([c](Tins::TCPIP::Stream &st) { on_closed(st, *c); });
}

struct Rec {
    size_t off, len;
    struct timeval ts;
};

void feed(Tins::TCPIP::StreamFollower &f, const uint8_t *data, size_t len,
          const struct timeval &ts)
{
    try {
        Tins::Packet pkt(new Tins::EthernetII(data, uint32_t(len)), Tins::Timestamp(ts),
                         Tins::Packet::own_pdu());
        f.process_packet(pkt);
    } catch (const std::exception &) {
        // malformed: skipped, as a libtins user would
    }
}

void usage()
{
    std::fprintf(stderr,
                 "usage: libtins_stream [--mode full|quiet|load] [--file] [--hash sample|full] FILE.pcap\n");
    std::exit(2);
}

} // namespace

// Parse every loaded packet and give it to the follower.
void reassemble_all(Tins::TCPIP::StreamFollower &f,
                                              const std::vector<uint8_t> &bytes,
                                              const std::vector<Rec> &recs)
{
    for (const Rec &r : recs)
        feed(f, bytes.data() + r.off, r.len, r.ts);
}

int main(int argc, char **argv)
{
    std::string mode = "full";
    const char *path = nullptr;
    bool from_file = false;
    for (int i = 1; i < argc; i++) {
        if (!std::strcmp(argv[i], "--mode") && i + 1 < argc)
            mode = argv[++i];
        else if (!std::strcmp(argv[i], "--file"))
            from_file = true;
        else if (!std::strcmp(argv[i], "--hash") && i + 1 < argc)
            g_stride = !std::strcmp(argv[++i], "full") ? 1 : 16;
        else if (argv[i][0] == '-' || path)
            usage();
        else
            path = argv[i];
    }
    if (mode == "quiet") {
        g_quiet = true;
        mode = "full";
    }
    if (!path || (mode != "full" && mode != "load"))
        usage();

    char errbuf[PCAP_ERRBUF_SIZE];
    pcap_t *pc = pcap_open_offline(path, errbuf);
    if (!pc) {
        std::fprintf(stderr, "libtins_stream: %s\n", errbuf);
        return 1;
    }
    Tins::TCPIP::StreamFollower follower;
    follower.new_stream_callback(on_new);

    uint64_t packets = 0;
    std::vector<uint8_t> bytes;
    std::vector<Rec> recs;
    struct pcap_pkthdr *hdr;
    const u_char *data;
    int rc;
    while ((rc = pcap_next_ex(pc, &hdr, &data)) == 1) {
        packets++;
        if (from_file) {
            if (mode == "full") {
                feed(follower, data, hdr->caplen, hdr->ts);
                print_closed(); // at once: RSS runs keep nothing they need not
            }
            continue;
        }
        recs.push_back(Rec{bytes.size(), hdr->caplen, hdr->ts});
        bytes.insert(bytes.end(), data, data + hdr->caplen);
    }
    if (rc != PCAP_ERROR_BREAK) {
        std::fprintf(stderr, "libtins_stream: %s\n", pcap_geterr(pc));
        return 1;
    }
    pcap_close(pc);
    if (!from_file && mode == "full")
        reassemble_all(follower, bytes, recs);
    print_closed();
    std::fflush(stdout);
    std::fprintf(stderr,
                 "peer=libtins mode=%s packets=%" PRIu64 " connections=%" PRIu64
                 " bytes=%" PRIu64 " gap_bytes=0\n",
                 mode.c_str(), packets, g_conns, g_bytes);
    return 0;
}
