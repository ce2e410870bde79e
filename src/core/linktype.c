/* Link type names and descriptions (values from the LINKTYPE_ registry). */
#include <stddef.h>
#include <stdint.h>
#include <strings.h>

#include "pkt/handle.h"

struct linktype_entry {
    uint16_t value;
    const char *name;
    const char *desc;
};

static const struct linktype_entry linktypes[] = {
    {0, "NULL", "BSD loopback"},
    {1, "EN10MB", "Ethernet"},
    {3, "AX25", "AX.25 amateur radio"},
    {6, "IEEE802", "Token Ring"},
    {7, "ARCNET_BSD", "ARCNET"},
    {8, "SLIP", "SLIP"},
    {9, "PPP", "PPP"},
    {10, "FDDI", "FDDI"},
    {12, "RAW12", "Raw IP (BSD value 12)"},
    {14, "RAW14", "Raw IP (OpenBSD value 14)"},
    {50, "PPP_HDLC", "PPP in HDLC-like framing"},
    {51, "PPP_ETHER", "PPPoE"},
    {100, "ATM_RFC1483", "RFC 1483 LLC/SNAP-encapsulated ATM"},
    {101, "RAW", "Raw IP"},
    {104, "C_HDLC", "Cisco HDLC"},
    {105, "IEEE802_11", "802.11"},
    {107, "FRELAY", "Frame Relay"},
    {108, "LOOP", "OpenBSD loopback"},
    {113, "LINUX_SLL", "Linux cooked v1"},
    {114, "LTALK", "Localtalk"},
    {117, "PFLOG", "OpenBSD pflog"},
    {119, "IEEE802_11_PRISM", "802.11 plus Prism header"},
    {122, "IP_OVER_FC", "RFC 2625 IP-over-Fibre Channel"},
    {123, "SUNATM", "SunATM"},
    {127, "IEEE802_11_RADIOTAP", "802.11 plus radiotap header"},
    {129, "ARCNET_LINUX", "Linux ARCNET"},
    {138, "APPLE_IP_OVER_IEEE1394", "Apple IP-over-IEEE 1394"},
    {139, "MTP2_WITH_PHDR", "SS7 MTP2 with pseudo-header"},
    {140, "MTP2", "SS7 MTP2"},
    {141, "MTP3", "SS7 MTP3"},
    {142, "SCCP", "SS7 SCCP"},
    {143, "DOCSIS", "DOCSIS"},
    {144, "LINUX_IRDA", "Linux IrDA"},
    {163, "IEEE802_11_AVS", "802.11 plus AVS header"},
    {165, "BACNET_MS_TP", "BACnet MS/TP"},
    {166, "PPP_PPPD", "PPP with direction"},
    {169, "GPRS_LLC", "GPRS LLC"},
    {177, "LINUX_LAPD", "LAPD for ISDN"},
    {187, "BLUETOOTH_HCI_H4", "Bluetooth HCI UART transport layer"},
    {189, "USB_LINUX", "USB with Linux header"},
    {192, "PPI", "Per-Packet Information"},
    {195, "IEEE802_15_4_WITHFCS", "IEEE 802.15.4 with FCS"},
    {196, "SITA", "SITA pseudo-header"},
    {197, "ERF", "Endace ERF"},
    {201, "BLUETOOTH_HCI_H4_WITH_PHDR", "Bluetooth HCI UART with direction"},
    {202, "AX25_KISS", "AX.25 with KISS header"},
    {203, "LAPD", "LAPD"},
    {204, "PPP_WITH_DIR", "PPP with direction"},
    {205, "C_HDLC_WITH_DIR", "Cisco HDLC with direction"},
    {206, "FRELAY_WITH_DIR", "Frame Relay with direction"},
    {209, "IPMB_LINUX", "IPMB with Linux header"},
    {215, "IEEE802_15_4_NONASK_PHY", "IEEE 802.15.4 with PHY header"},
    {220, "USB_LINUX_MMAPPED", "USB with padded Linux header"},
    {224, "FC_2", "Fibre Channel FC-2"},
    {225, "FC_2_WITH_FRAME_DELIMS", "Fibre Channel FC-2 with frame delimiters"},
    {226, "IPNET", "Solaris ipnet"},
    {227, "CAN_SOCKETCAN", "Linux SocketCAN"},
    {228, "IPV4", "Raw IPv4"},
    {229, "IPV6", "Raw IPv6"},
    {230, "IEEE802_15_4_NOFCS", "IEEE 802.15.4 without FCS"},
    {231, "DBUS", "D-Bus"},
    {235, "DVB_CI", "DVB-CI"},
    {236, "MUX27010", "MUX27010"},
    {237, "STANAG_5066_D_PDU", "STANAG 5066 D_PDUs"},
    {239, "NFLOG", "Linux netfilter log"},
    {240, "NETANALYZER", "Ethernet with Hilscher netANALYZER header"},
    {241, "NETANALYZER_TRANSPARENT", "Ethernet with netANALYZER header and preamble"},
    {242, "IPOIB", "IP over InfiniBand"},
    {243, "MPEG_2_TS", "MPEG-2 transport stream"},
    {244, "NG40", "ng40 protocol tester"},
    {245, "NFC_LLCP", "NFC LLCP"},
    {247, "INFINIBAND", "InfiniBand"},
    {248, "SCTP", "SCTP"},
    {249, "USBPCAP", "USB with USBPcap header"},
    {250, "RTAC_SERIAL", "Schweitzer RTAC serial"},
    {251, "BLUETOOTH_LE_LL", "Bluetooth Low Energy link layer"},
    {252, "WIRESHARK_UPPER_PDU", "Wireshark upper-protocol PDU"},
    {253, "NETLINK", "Linux netlink"},
    {254, "BLUETOOTH_LINUX_MONITOR", "Bluetooth Linux monitor"},
    {255, "BLUETOOTH_BREDR_BB", "Bluetooth BR/EDR baseband"},
    {256, "BLUETOOTH_LE_LL_WITH_PHDR", "Bluetooth LE link layer with pseudo-header"},
    {257, "PROFIBUS_DL", "PROFIBUS data link"},
    {258, "PKTAP", "Apple PKTAP"},
    {259, "EPON", "Ethernet passive optical network"},
    {260, "IPMI_HPM_2", "IPMI HPM.2 trace"},
    {261, "ZWAVE_R1_R2", "Z-Wave R1/R2"},
    {262, "ZWAVE_R3", "Z-Wave R3"},
    {263, "WATTSTOPPER_DLM", "WattStopper DLM"},
    {264, "ISO_14443", "ISO 14443 contactless smartcard"},
    {265, "RDS", "IEC 62106 Radio Data System"},
    {266, "USB_DARWIN", "USB with Darwin header"},
    {268, "SDLC", "SDLC"},
    {270, "LORATAP", "LoRaTap"},
    {271, "VSOCK", "Linux vsock"},
    {272, "NORDIC_BLE", "Nordic Semiconductor BLE sniffer"},
    {273, "DOCSIS31_XRA31", "DOCSIS with Excentis XRA header"},
    {274, "ETHERNET_MPACKET", "802.3br mPackets"},
    {275, "DISPLAYPORT_AUX", "DisplayPort AUX channel"},
    {276, "LINUX_SLL2", "Linux cooked v2"},
    {278, "OPENVIZSLA", "OpenVizsla USB"},
    {279, "EBHSCR", "Elektrobit high-speed capture and replay"},
    {282, "VPP_DISPATCH", "VPP graph dispatch tracer"},
    {283, "DSA_TAG_BRCM", "Broadcom DSA tag"},
    {284, "DSA_TAG_BRCM_PREPEND", "Broadcom DSA tag, prepended"},
    {285, "IEEE802_15_4_TAP", "IEEE 802.15.4 with TAP header"},
    {286, "DSA_TAG_DSA", "Marvell DSA tag"},
    {287, "DSA_TAG_EDSA", "Marvell EDSA tag"},
    {288, "ELEE", "ELEE lawful intercept"},
    {289, "Z_WAVE_SERIAL", "Z-Wave serial"},
    {290, "USB_2_0", "USB 2.0 packets"},
    {291, "ATSC_ALP", "ATSC link-layer protocol"},
    {292, "ETW", "Event Tracing for Windows"},
    {294, "ZBOSS_NCP", "ZBOSS NCP"},
    {295, "USB_2_0_LOW_SPEED", "USB 2.0 low-speed"},
    {296, "USB_2_0_FULL_SPEED", "USB 2.0 full-speed"},
    {297, "USB_2_0_HIGH_SPEED", "USB 2.0 high-speed"},
    {298, "AUERSWALD_LOG", "Auerswald log"},
    {299, "ZWAVE_TAP", "Z-Wave with TAP header"},
    {300, "SILABS_DEBUG_CHANNEL", "Silicon Labs debug channel"},
    {301, "FIRA_UCI", "FiRa UWB controller interface"},
    {302, "MDB", "Multi-drop bus"},
    {303, "DECT_NR", "DECT-2020 new radio"},
};

static const struct linktype_entry *find(uint32_t v)
{
    for (size_t i = 0; i < sizeof linktypes / sizeof linktypes[0]; i++)
        if (linktypes[i].value == v)
            return &linktypes[i];
    return NULL;
}

const char *pkt_linktype_name(uint32_t link_type)
{
    const struct linktype_entry *e = find(link_type);
    return e ? e->name : NULL;
}

const char *pkt_linktype_description(uint32_t link_type)
{
    const struct linktype_entry *e = find(link_type);
    return e ? e->desc : NULL;
}

int pkt_linktype_from_name(const char *name)
{
    if (!name)
        return PKT_ERR_NOT_FOUND;
    if (strncasecmp(name, "LINKTYPE_", 9) == 0)
        name += 9;
    else if (strncasecmp(name, "DLT_", 4) == 0)
        name += 4;
    if (strcasecmp(name, "ETHERNET") == 0)
        return PKT_LINKTYPE_ETHERNET;
    for (size_t i = 0; i < sizeof linktypes / sizeof linktypes[0]; i++)
        if (strcasecmp(linktypes[i].name, name) == 0)
            return linktypes[i].value;
    return PKT_ERR_NOT_FOUND;
}
