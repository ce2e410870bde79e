// libtins_decode: the libtins side of libpkt's decoder comparison.
//
// Loads every packet of a pcap file into memory first (a small pcap reader of
// its own, so libpcap's per-packet cost stays out of the picture), then times,
// over several repeats, constructing a Tins::EthernetII from each buffer: the
// full decode libtins always does (one heap-allocated PDU object per layer,
// options parsed into containers).  malformed_packet exceptions are caught and
// counted.  Mode "ethdns" also decodes the UDP payload of port-53 packets as
// Tins::DNS, as a libtins user must (libtins does not dispatch on ports), to do
// the DNS work gopacket does.  Mode "summary" is ethdns plus the fields a
// monitor prints per packet (the "with-fields" benchmark: the same fields
// and digest as libpkt's bench_decode summary and gopacket_decode's summary),
// its digest printed as "digest=..." so the outputs can be checked equal.
// Prints one machine-readable line per mode:
//
//   peer=libtins mode=eth packets=N repeats=R ns_per_packet=X ns_per_packet_median=Y layers=L malformed=M
//
// layers is the number of PDUs decoded in one pass.  Mode "load" only loads the
// packets; with --once, a mode runs exactly one pass (what callgrind measures);
// --stats prints on stderr how many PDUs of each type the decode produces.
//
// usage: libtins_decode [--mode all|eth|ethdns|summary|load] [--once] [--stats] [-n N] [--repeats R] FILE.pcap

#include <tins/tins.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

namespace {

struct Packets {
    std::vector<uint8_t> arena;   // every packet's bytes, back to back
    std::vector<size_t> offset;   // start of packet i in arena
    std::vector<uint32_t> length; // captured length of packet i
    uint32_t link_type = 0;
};

uint32_t rd32(const uint8_t *p, bool swap) {
    uint32_t v;
    std::memcpy(&v, p, 4);
    return swap ? __builtin_bswap32(v) : v;
}

// Reads up to limit packets (0: all) of a classic pcap file (either byte order,
// micro- or nanosecond magic).  Returns false with a message on stderr on error.
bool load_pcap(const char *path, size_t limit, Packets &out) {
    FILE *f = std::fopen(path, "rb");
    if (!f) {
        std::perror(path);
        return false;
    }
    std::setvbuf(f, nullptr, _IOFBF, 1 << 20);
    uint8_t gh[24];
    if (std::fread(gh, 1, 24, f) != 24) {
        std::fprintf(stderr, "%s: short global header\n", path);
        std::fclose(f);
        return false;
    }
    uint32_t magic;
    std::memcpy(&magic, gh, 4);
    bool swap;
    if (magic == 0xA1B2C3D4u || magic == 0xA1B23C4Du)
        swap = false;
    else if (magic == 0xD4C3B2A1u || magic == 0x4D3CB2A1u)
        swap = true;
    else {
        std::fprintf(stderr, "%s: not a pcap file (pcapng is not supported here)\n", path);
        std::fclose(f);
        return false;
    }
    uint32_t snaplen = rd32(gh + 16, swap);
    out.link_type = rd32(gh + 20, swap) & 0x0FFFFFFFu;
    uint8_t rh[16];
    while (limit == 0 || out.offset.size() < limit) {
        size_t got = std::fread(rh, 1, 16, f);
        if (got == 0)
            break;
        if (got != 16) {
            std::fprintf(stderr, "%s: truncated record header\n", path);
            break;
        }
        uint32_t caplen = rd32(rh + 8, swap);
        if (caplen > 262144 || (snaplen && caplen > std::max<uint32_t>(snaplen, 65535))) {
            std::fprintf(stderr, "%s: record with caplen %" PRIu32 ", stopping\n", path, caplen);
            break;
        }
        size_t at = out.arena.size();
        out.arena.resize(at + caplen);
        if (std::fread(out.arena.data() + at, 1, caplen, f) != caplen) {
            std::fprintf(stderr, "%s: truncated record\n", path);
            out.arena.resize(at);
            break;
        }
        out.offset.push_back(at);
        out.length.push_back(caplen);
    }
    std::fclose(f);
    return true;
}

struct PassResult {
    uint64_t layers = 0;
    uint64_t malformed = 0;
};

// Decodes every packet once as libtins does: an EthernetII and its inner PDUs.
PassResult pass_eth(const Packets &pk) {
    PassResult r;
    const uint8_t *base = pk.arena.data();
    const size_t n = pk.offset.size();
    for (size_t i = 0; i < n; i++) {
        try {
            Tins::EthernetII eth(base + pk.offset[i], pk.length[i]);
            for (const Tins::PDU *p = &eth; p; p = p->inner_pdu())
                r.layers++;
        } catch (const Tins::malformed_packet &) {
            r.malformed++;
        }
    }
    return r;
}

// As pass_eth, then also what a libtins user does to read DNS (libtins never
// dispatches on ports: a UDP payload stays a RawPDU): for UDP to or from port 53,
// decode the RawPDU as Tins::DNS.  This makes the work comparable to gopacket's,
// which decodes DNS by port.
PassResult pass_ethdns(const Packets &pk) {
    PassResult r;
    const uint8_t *base = pk.arena.data();
    const size_t n = pk.offset.size();
    for (size_t i = 0; i < n; i++) {
        try {
            Tins::EthernetII eth(base + pk.offset[i], pk.length[i]);
            for (const Tins::PDU *p = &eth; p; p = p->inner_pdu())
                r.layers++;
            const Tins::UDP *udp = eth.find_pdu<Tins::UDP>();
            if (udp && (udp->sport() == 53 || udp->dport() == 53)) {
                const Tins::RawPDU *raw = udp->find_pdu<Tins::RawPDU>();
                if (raw) {
                    Tins::DNS dns = raw->to<Tins::DNS>();
                    r.layers++;
                }
            }
        } catch (const Tins::malformed_packet &) {
            r.malformed++;
        }
    }
    return r;
}

constexpr uint64_t kFnvOff = 0xcbf29ce484222325ull;
constexpr uint64_t kFnvPrime = 0x100000001b3ull;
inline uint64_t mix(uint64_t h, uint64_t v) { return (h ^ v) * kFnvPrime; }
uint64_t summary_digest = 0; // of the last pass_summary

inline uint64_t be64(const uint8_t *b) {
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | b[i];
    return v;
}

// As pass_ethdns (DNS decoded on UDP port 53 only), then the summary fields
// folded into a digest as bench_decode.c's summary() documents: 4 and
// src<<32|dst, or 6 and the four 64-bit halves of the addresses, or 0; unless
// the IPv4 header is a fragment's, 't'<<40|sport<<24|dport<<8|flags (low 8
// bits) or 'u'<<40|sport<<24|dport<<8, and for UDP to or from port 53 with a
// question 'd', the first question's name byte by byte, 0; then 0xff.
PassResult pass_summary(const Packets &pk) {
    PassResult r;
    const uint8_t *base = pk.arena.data();
    const size_t n = pk.offset.size();
    uint64_t h = kFnvOff;
    for (size_t i = 0; i < n; i++) {
        try {
            Tins::EthernetII eth(base + pk.offset[i], pk.length[i]);
            for (const Tins::PDU *p = &eth; p; p = p->inner_pdu())
                r.layers++;
            bool transport = true;
            if (const Tins::IP *ip = eth.find_pdu<Tins::IP>()) {
                uint32_t s = Tins::Endian::be_to_host(ip->src_addr().operator uint32_t());
                uint32_t d = Tins::Endian::be_to_host(ip->dst_addr().operator uint32_t());
                h = mix(mix(h, 4), uint64_t(s) << 32 | d);
                transport = !(ip->flags() & Tins::IP::MORE_FRAGMENTS) && ip->fragment_offset() == 0;
            } else if (const Tins::IPv6 *ip6 = eth.find_pdu<Tins::IPv6>()) {
                Tins::IPv6Address s = ip6->src_addr(), d = ip6->dst_addr();
                h = mix(h, 6);
                h = mix(mix(h, be64(s.begin())), be64(s.begin() + 8));
                h = mix(mix(h, be64(d.begin())), be64(d.begin() + 8));
            } else {
                h = mix(h, 0);
            }
            const Tins::TCP *tcp = transport ? eth.find_pdu<Tins::TCP>() : nullptr;
            const Tins::UDP *udp = transport && !tcp ? eth.find_pdu<Tins::UDP>() : nullptr;
            if (tcp) {
                h = mix(h, uint64_t('t') << 40 | uint64_t(tcp->sport()) << 24 |
                               uint64_t(tcp->dport()) << 8 | (uint64_t(tcp->flags()) & 0xff));
            } else if (udp) {
                h = mix(h, uint64_t('u') << 40 | uint64_t(udp->sport()) << 24 |
                               uint64_t(udp->dport()) << 8);
                if (udp->sport() == 53 || udp->dport() == 53) {
                    if (const Tins::RawPDU *raw = udp->find_pdu<Tins::RawPDU>()) {
                        Tins::DNS dns = raw->to<Tins::DNS>();
                        r.layers++;
                        Tins::DNS::queries_type q = dns.queries();
                        if (!q.empty()) {
                            h = mix(h, 'd');
                            for (unsigned char c : q.front().dname())
                                h = mix(h, c);
                            h = mix(h, 0);
                        }
                    }
                }
            }
            h = mix(h, 0xff);
        } catch (const Tins::malformed_packet &) {
            r.malformed++;
        }
    }
    summary_digest = h;
    return r;
}

// Prints, on stderr, how many PDUs of each type EthernetII decodes over all packets.
void print_stats(const Packets &pk) {
    std::map<std::string, uint64_t> count;
    for (size_t i = 0; i < pk.offset.size(); i++) {
        try {
            Tins::EthernetII eth(pk.arena.data() + pk.offset[i], pk.length[i]);
            for (const Tins::PDU *p = &eth; p; p = p->inner_pdu()) {
                const char *name = nullptr;
                switch (p->pdu_type()) {
                case Tins::PDU::ETHERNET_II: name = "Ethernet"; break;
                case Tins::PDU::DOT1Q: name = "Dot1Q"; break;
                case Tins::PDU::ARP: name = "ARP"; break;
                case Tins::PDU::IP: name = "IPv4"; break;
                case Tins::PDU::IPv6: name = "IPv6"; break;
                case Tins::PDU::TCP: name = "TCP"; break;
                case Tins::PDU::UDP: name = "UDP"; break;
                case Tins::PDU::ICMP: name = "ICMPv4"; break;
                case Tins::PDU::ICMPv6: name = "ICMPv6"; break;
                case Tins::PDU::DNS: name = "DNS"; break;
                case Tins::PDU::RAW: name = "Raw"; break;
                default: break;
                }
                count[name ? name : "type" + std::to_string(int(p->pdu_type()))]++;
            }
        } catch (const Tins::malformed_packet &) {
            count["malformed"]++;
        }
    }
    std::fprintf(stderr, "stats peer=libtins mode=eth");
    for (const auto &kv : count)
        std::fprintf(stderr, " %s=%" PRIu64, kv.first.c_str(), kv.second);
    std::fprintf(stderr, "\n");
}

void usage() {
    std::fprintf(stderr, "usage: libtins_decode [--mode all|eth|ethdns|summary|load] [--once] [--stats] [-n N] [--repeats R] FILE.pcap\n");
    std::exit(2);
}

} // namespace

int main(int argc, char **argv) {
    std::string mode = "all";
    bool once = false;
    size_t limit = 0;
    int repeats = 5;
    bool stats = false;
    const char *path = nullptr;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        if (a == "--mode" && i + 1 < argc)
            mode = argv[++i];
        else if (a == "--stats")
            stats = true;
        else if (a == "--once")
            once = true;
        else if (a == "-n" && i + 1 < argc)
            limit = std::strtoull(argv[++i], nullptr, 10);
        else if (a == "--repeats" && i + 1 < argc)
            repeats = std::max(1, std::atoi(argv[++i]));
        else if (!a.empty() && a[0] != '-' && !path)
            path = argv[i];
        else
            usage();
    }
    if (!path || (mode != "all" && mode != "eth" && mode != "ethdns" && mode != "summary" && mode != "load"))
        usage();

    Packets pk;
    if (!load_pcap(path, limit, pk))
        return 1;
    if (pk.link_type != 1) {
        std::fprintf(stderr, "libtins_decode: link type %" PRIu32 " is not Ethernet\n", pk.link_type);
        return 1;
    }
    const size_t n = pk.offset.size();
    if (n == 0) {
        std::fprintf(stderr, "libtins_decode: no packets\n");
        return 1;
    }
    if (stats)
        print_stats(pk);
    if (mode == "load") {
        std::printf("peer=libtins mode=load packets=%zu repeats=1 once=1 layers=0 malformed=0\n", n);
        return 0;
    }
    const char *modes[] = {"eth", "ethdns", "summary"};
    for (const char *m : modes) {
        if (mode != "all" && mode != m)
            continue;
        PassResult (*pass)(const Packets &) = std::strcmp(m, "eth") == 0      ? pass_eth
                                              : std::strcmp(m, "ethdns") == 0 ? pass_ethdns
                                                                              : pass_summary;
        if (once) {
            PassResult r = pass(pk);
            std::printf("peer=libtins mode=%s packets=%zu repeats=1 once=1 layers=%" PRIu64 " malformed=%" PRIu64 "\n",
                        m, n, r.layers, r.malformed);
            if (pass == pass_summary)
                std::printf("digest peer=libtins mode=summary packets=%zu digest=%016" PRIx64 "\n", n, summary_digest);
            continue;
        }
        pass(pk); // warm-up: caches, branch predictors, allocator free lists
        std::vector<double> times;
        PassResult r;
        for (int i = 0; i < repeats; i++) {
            auto t0 = std::chrono::steady_clock::now();
            r = pass(pk);
            auto t1 = std::chrono::steady_clock::now();
            times.push_back(std::chrono::duration<double, std::nano>(t1 - t0).count() / double(n));
        }
        std::sort(times.begin(), times.end());
        std::printf("peer=libtins mode=%s packets=%zu repeats=%d ns_per_packet=%.1f ns_per_packet_median=%.1f layers=%" PRIu64
                    " malformed=%" PRIu64 "\n",
                    m, n, repeats, times[0], times[times.size() / 2], r.layers, r.malformed);
        if (pass == pass_summary)
            std::printf("digest peer=libtins mode=summary packets=%zu digest=%016" PRIx64 "\n", n, summary_digest);
    }
    return 0;
}
