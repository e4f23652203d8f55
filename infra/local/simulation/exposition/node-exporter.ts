/**
 * node-exporter 1.x with its default collectors, as on an EKS AL2023 t3.large: families, HELP texts and
 * labels from prometheus/node_exporter (collector/*_linux.go; meminfo and vmstat fields are named after
 * /proc/meminfo and /proc/vmstat). Values come from the node's kernel counters in the model, so memory
 * pressure, OOM kills and traffic move the series a node-mixin query reads. The exporter adds no
 * `node`, `namespace` or `pod` label: the scrape does (see targets.ts).
 */
import type { Node } from '../cluster/objects.js';
import { NODE } from '../cluster/resources.js';
import { FamilyBuilder, type FamilyFilter, type MetricFamily } from './families.js';
import { goRuntime, processMetrics } from './self-metrics.js';
import type { ExpositionSource } from './source.js';

const KiB = 1024;
const MiB = 2 ** 20;
const NODE_EXPORTER_VERSION = { version: '1.8.2', revision: 'f1e0e8360aa60b6cb5e5cc1560bed348fc2c1895', goversion: 'go1.22.5', branch: 'HEAD', tags: 'unknown' };

/** Collectors node-exporter enables by default that apply on this host (node_scrape_collector_success). */
const COLLECTORS = ['arp', 'bcache', 'bonding', 'btrfs', 'conntrack', 'cpu', 'cpufreq', 'diskstats', 'dmi', 'edac', 'entropy', 'fibrechannel', 'filefd', 'filesystem', 'hwmon', 'infiniband', 'ipvs', 'loadavg', 'mdadm', 'meminfo', 'netclass', 'netdev', 'netstat', 'nfs', 'nfsd', 'nvme', 'os', 'powersupplyclass', 'pressure', 'rapl', 'schedstat', 'selinux', 'sockstat', 'softnet', 'stat', 'tapestats', 'textfile', 'thermal_zone', 'time', 'timex', 'udp_queues', 'uname', 'vmstat', 'watchdog', 'xfs', 'zfs'];

export function collectNodeExporter(source: ExpositionSource, node: string, keep?: FamilyFilter): MetricFamily[] {
  const counters = source.nodeCounters(node);
  if (!counters) return [];
  const nodeObject = source.store.get<Node>(NODE, undefined, node);
  const now = source.now / 1000;
  const uptime = now - counters.bootTime;
  const b = new FamilyBuilder(keep);
  const g = (name: string, help: string, labels: Record<string, string>, value: number) => b.family(name, 'gauge', help)(labels, value);
  const c = (name: string, help: string, labels: Record<string, string>, value: number) => b.family(name, 'counter', help)(labels, value);
  const r2 = (v: number) => Math.round(v * 100) / 100;

  const cpu = b.family('node_cpu_seconds_total', 'counter', 'Seconds the CPUs spent in each mode.');
  const guest = b.family('node_cpu_guest_seconds_total', 'counter', 'Seconds the CPUs spent in guests (VMs) for each mode.');
  counters.cpuSecondsByMode.forEach((modes, i) => {
    for (const mode of ['idle', 'iowait', 'irq', 'nice', 'softirq', 'steal', 'system', 'user']) cpu({ cpu: String(i), mode }, r2(modes[mode] ?? 0));
    for (const mode of ['nice', 'user']) guest({ cpu: String(i), mode }, 0);
  });
  const cpus = counters.cpuSecondsByMode.length;
  const schedRunning = b.family('node_schedstat_running_seconds_total', 'counter', 'Number of seconds CPU spent running a process.');
  const schedWaiting = b.family('node_schedstat_waiting_seconds_total', 'counter', 'Number of seconds spent by processing waiting for this CPU.');
  const schedSlices = b.family('node_schedstat_timeslices_total', 'counter', 'Number of timeslices executed by CPU.');
  counters.cpuSecondsByMode.forEach((modes, i) => {
    const busy = (modes.user ?? 0) + (modes.system ?? 0) + (modes.softirq ?? 0);
    schedRunning({ cpu: String(i) }, r2(busy));
    schedWaiting({ cpu: String(i) }, r2(busy * 0.08));
    schedSlices({ cpu: String(i) }, Math.floor(busy * 380 + uptime * 40));
  });
  const freq = b.family('node_cpu_scaling_frequency_hertz', 'gauge', 'Current scaled CPU thread frequency in hertz.');
  for (let i = 0; i < cpus; i++) freq({ cpu: String(i) }, 2_499_998_000);

  g('node_load1', '1m load average.', {}, r2(counters.load1));
  g('node_load5', '5m load average.', {}, r2(counters.load5));
  g('node_load15', '15m load average.', {}, r2(counters.load15));

  // /proc/meminfo of a t3.large with 8 GiB, no swap: the fields node-mixin and dashboards read.
  const total = counters.memoryTotalBytes;
  const available = Math.max(0, counters.memoryAvailableBytes);
  const cached = counters.memoryCachedBytes;
  const free = Math.max(0, counters.memoryFreeBytes);
  const used = total - available;
  const buffers = 4.1 * MiB;
  const slab = 148 * MiB;
  const meminfo: [string, number][] = [
    ['Active', used * 0.55 + cached * 0.5], ['Active_anon', used * 0.5], ['Active_file', cached * 0.5], ['AnonHugePages', 0], ['AnonPages', used * 0.82],
    ['Bounce', 0], ['Buffers', buffers], ['Cached', cached], ['CommitLimit', total / 2], ['Committed_AS', used * 1.9], ['DirectMap1G', 0], ['DirectMap2M', total * 0.96],
    ['DirectMap4k', total * 0.04], ['Dirty', 96 * KiB], ['FileHugePages', 0], ['FilePmdMapped', 0], ['HardwareCorrupted', 0], ['HugePages_Free', 0], ['HugePages_Rsvd', 0],
    ['HugePages_Surp', 0], ['HugePages_Total', 0], ['Hugepagesize', 2 * MiB], ['Hugetlb', 0], ['Inactive', used * 0.3 + cached * 0.5], ['Inactive_anon', used * 0.3],
    ['Inactive_file', cached * 0.5], ['KReclaimable', slab * 0.55], ['KernelStack', 9.8 * MiB], ['Mapped', cached * 0.3], ['MemAvailable', available], ['MemFree', free],
    ['MemTotal', total], ['Mlocked', 0], ['NFS_Unstable', 0], ['PageTables', used * 0.012], ['Percpu', 2.1 * MiB], ['SReclaimable', slab * 0.55], ['SUnreclaim', slab * 0.45],
    ['ShmemHugePages', 0], ['ShmemPmdMapped', 0], ['Shmem', 3.3 * MiB], ['Slab', slab], ['SwapCached', 0], ['SwapFree', 0], ['SwapTotal', 0], ['Unevictable', 0],
    ['VmallocChunk', 0], ['VmallocTotal', 35_184_372_087_808], ['VmallocUsed', 21 * MiB], ['Writeback', 0], ['WritebackTmp', 0], ['Zswap', 0], ['Zswapped', 0],
  ];
  for (const [field, value] of meminfo) g(`node_memory_${field}_bytes`, `Memory information field ${field}_bytes.`, {}, Math.max(0, Math.round(value)));

  const vmstat: [string, number][] = [
    ['oom_kill', counters.oomKillsTotal], ['pgfault', counters.pageFaultsTotal], ['pgmajfault', counters.majorPageFaultsTotal],
    ['pgpgin', counters.diskReadBytesTotal / KiB], ['pgpgout', counters.diskWrittenBytesTotal / KiB], ['pswpin', 0], ['pswpout', 0],
  ];
  for (const [field, value] of vmstat) b.family(`node_vmstat_${field}`, 'untyped', `/proc/vmstat information field ${field}.`)({}, Math.floor(value));

  c('node_context_switches_total', 'Total number of context switches.', {}, Math.floor(counters.contextSwitchesTotal));
  c('node_intr_total', 'Total number of interrupts serviced.', {}, Math.floor(counters.interruptsTotal));
  c('node_forks_total', 'Total number of forks.', {}, Math.floor(counters.forksTotal));
  g('node_boot_time_seconds', 'Node boot time, in unixtime.', {}, Math.floor(counters.bootTime));
  g('node_procs_running', 'Number of processes in runnable state.', {}, Math.max(1, Math.round(counters.load1)));
  g('node_procs_blocked', 'Number of processes blocked waiting for I/O to complete.', {}, 0);
  g('node_time_seconds', 'System time in seconds since epoch (1970).', {}, Math.round(now * 1000) / 1000);
  g('node_time_zone_offset_seconds', 'System time zone offset in seconds.', { time_zone: 'UTC' }, 0);
  g('node_timex_offset_seconds', 'Time offset in between local system and reference clock.', {}, 0.000021);
  g('node_timex_sync_status', 'Is clock synchronized to a reliable server (1 = yes, 0 = no).', {}, 1);
  g('node_timex_maxerror_seconds', 'Maximum error in seconds.', {}, 0.0105);
  g('node_timex_estimated_error_seconds', 'Estimated error in seconds.', {}, 0.000001);
  g('node_entropy_available_bits', 'Bits of available entropy.', {}, 256);
  g('node_entropy_pool_size_bits', 'Bits of entropy pool.', {}, 256);
  g('node_filefd_allocated', 'File descriptor statistics: allocated.', {}, 4_192 + Math.round(counters.load1 * 100));
  // LONG_MAX on the host, which a float64 sample rounds to 2^63.
  g('node_filefd_maximum', 'File descriptor statistics: maximum.', {}, 2 ** 63);
  g('node_nf_conntrack_entries', 'Number of currently allocated flow entries for connection tracking.', {}, 410 + Math.round(counters.load1 * 300));
  g('node_nf_conntrack_entries_limit', 'Maximum size of connection tracking table.', {}, 131_072);
  g('node_sockstat_sockets_used', 'Number of IPv4 sockets in use.', {}, 388);
  g('node_sockstat_TCP_inuse', 'Number of TCP sockets in state inuse.', {}, 41);
  g('node_sockstat_TCP_tw', 'Number of TCP sockets in state tw.', {}, 96);
  g('node_sockstat_TCP_alloc', 'Number of TCP sockets in state alloc.', {}, 152);
  g('node_sockstat_UDP_inuse', 'Number of UDP sockets in state inuse.', {}, 4);
  const pressure = Math.max(0, (400 * MiB - available) / (400 * MiB));
  c('node_pressure_cpu_waiting_seconds_total', 'Total time in seconds that processes have waited for CPU time', {}, r2(uptime * 0.004 + counters.load1 * 10));
  c('node_pressure_memory_waiting_seconds_total', 'Total time in seconds that processes have waited for memory', {}, r2(uptime * 0.00001 + counters.majorPageFaultsTotal * 0.001));
  c('node_pressure_memory_stalled_seconds_total', 'Total time in seconds no process could make progress due to memory congestion', {}, r2(counters.majorPageFaultsTotal * 0.0005 * (pressure > 0 ? 1 : 0.2)));
  c('node_pressure_io_waiting_seconds_total', 'Total time in seconds that processes have waited due to IO congestion', {}, r2(counters.diskIoSecondsTotal * 0.6));
  c('node_pressure_io_stalled_seconds_total', 'Total time in seconds no process could make progress due to IO congestion', {}, r2(counters.diskIoSecondsTotal * 0.4));

  // statfs of the mounts the filesystem collector keeps by default (AL2023: xfs root, vfat EFI, tmpfs).
  const mounts = [
    { device: '/dev/nvme0n1p1', fstype: 'xfs', mountpoint: '/', size: counters.filesystemSizeBytes, avail: counters.filesystemAvailBytes, files: counters.filesystemFiles, filesFree: counters.filesystemFilesFree },
    { device: '/dev/nvme0n1p128', fstype: 'vfat', mountpoint: '/boot/efi', size: 10_446_848, avail: 8_417_280, files: 0, filesFree: 0 },
    { device: 'tmpfs', fstype: 'tmpfs', mountpoint: '/run', size: total / 5, avail: total / 5 - 1.2 * MiB, files: 819_200, filesFree: 818_420 },
    { device: 'tmpfs', fstype: 'tmpfs', mountpoint: '/tmp', size: total / 2, avail: total / 2, files: 1_048_576, filesFree: 1_048_560 },
  ];
  const fs = (name: string, help: string, value: (m: (typeof mounts)[number]) => number) => {
    const add = b.family(name, 'gauge', help);
    for (const m of mounts) add({ device: m.device, fstype: m.fstype, mountpoint: m.mountpoint }, Math.round(value(m)));
  };
  fs('node_filesystem_avail_bytes', 'Filesystem space available to non-root users in bytes.', (m) => m.avail);
  fs('node_filesystem_device_error', 'Whether an error occurred while getting statistics for the given device.', () => 0);
  fs('node_filesystem_files', 'Filesystem total file nodes.', (m) => m.files);
  fs('node_filesystem_files_free', 'Filesystem total free file nodes.', (m) => m.filesFree);
  fs('node_filesystem_free_bytes', 'Filesystem free space in bytes.', (m) => m.avail);
  fs('node_filesystem_readonly', 'Filesystem read-only status.', () => 0);
  fs('node_filesystem_size_bytes', 'Filesystem size in bytes.', (m) => m.size);

  const disk = { device: 'nvme0n1' };
  c('node_disk_read_bytes_total', 'The total number of bytes read successfully.', disk, Math.floor(counters.diskReadBytesTotal));
  c('node_disk_written_bytes_total', 'The total number of bytes written successfully.', disk, Math.floor(counters.diskWrittenBytesTotal));
  c('node_disk_reads_completed_total', 'The total number of reads completed successfully.', disk, Math.floor(counters.diskReadsTotal));
  c('node_disk_writes_completed_total', 'The total number of writes completed successfully.', disk, Math.floor(counters.diskWritesTotal));
  c('node_disk_reads_merged_total', 'The total number of reads merged.', disk, Math.floor(counters.diskReadsTotal * 0.02));
  c('node_disk_writes_merged_total', 'The number of writes merged.', disk, Math.floor(counters.diskWritesTotal * 0.3));
  c('node_disk_read_time_seconds_total', 'The total number of seconds spent by all reads.', disk, r2(counters.diskReadsTotal * 0.0009));
  c('node_disk_write_time_seconds_total', 'This is the total number of seconds spent by all writes.', disk, r2(counters.diskWritesTotal * 0.0014));
  c('node_disk_io_time_seconds_total', 'Total seconds spent doing I/Os.', disk, r2(counters.diskIoSecondsTotal));
  c('node_disk_io_time_weighted_seconds_total', 'The weighted # of seconds spent doing I/Os.', disk, r2(counters.diskIoSecondsTotal * 1.7));
  g('node_disk_io_now', 'The number of I/Os currently in progress.', disk, 0);
  c('node_disk_discards_completed_total', 'The total number of discards completed successfully.', disk, 0);
  b.family('node_disk_info', 'gauge', 'Info of /sys/block/<block_device>.')({ device: 'nvme0n1', major: '259', minor: '0', model: 'Amazon Elastic Block Store', path: 'pci-0000:00:04.0-nvme-1', revision: '1.0', serial: 'vol0a1b2c3d4e5f60718', wwn: 'nvme.1d0f-766f6c3061316232633364346535663630373138-416d617a6f6e20456c617374696320426c6f636b2053746f7265-00000001' }, 1);

  // eth0 carries the node's and its pods' traffic (VPC CNI); lo carries the kubelet's probes.
  const traffic = counters.podTraffic;
  const eth0 = {
    rxBytes: counters.networkRxBytesTotal + traffic.rxBytesTotal, txBytes: counters.networkTxBytesTotal + traffic.txBytesTotal,
    rxPackets: counters.networkRxPacketsTotal + traffic.rxPacketsTotal, txPackets: counters.networkTxPacketsTotal + traffic.txPacketsTotal,
  };
  const lo = { rxBytes: uptime * 5_200, txBytes: uptime * 5_200, rxPackets: uptime * 31, txPackets: uptime * 31 };
  const devices = [['eth0', eth0], ['lo', lo]] as const;
  const netdev = (field: string, help: string, value: (d: typeof eth0) => number) => {
    const add = b.family(`node_network_${field}`, 'counter', help);
    for (const [device, d] of devices) add({ device }, Math.floor(value(d)));
  };
  netdev('receive_bytes_total', 'Network device statistic receive_bytes.', (d) => d.rxBytes);
  netdev('receive_packets_total', 'Network device statistic receive_packets.', (d) => d.rxPackets);
  netdev('receive_errs_total', 'Network device statistic receive_errs.', () => 0);
  netdev('receive_drop_total', 'Network device statistic receive_drop.', () => 0);
  netdev('receive_fifo_total', 'Network device statistic receive_fifo.', () => 0);
  netdev('receive_frame_total', 'Network device statistic receive_frame.', () => 0);
  netdev('receive_compressed_total', 'Network device statistic receive_compressed.', () => 0);
  netdev('receive_multicast_total', 'Network device statistic receive_multicast.', () => 0);
  netdev('transmit_bytes_total', 'Network device statistic transmit_bytes.', (d) => d.txBytes);
  netdev('transmit_packets_total', 'Network device statistic transmit_packets.', (d) => d.txPackets);
  netdev('transmit_errs_total', 'Network device statistic transmit_errs.', () => 0);
  netdev('transmit_drop_total', 'Network device statistic transmit_drop.', () => 0);
  netdev('transmit_fifo_total', 'Network device statistic transmit_fifo.', () => 0);
  netdev('transmit_colls_total', 'Network device statistic transmit_colls.', () => 0);
  netdev('transmit_carrier_total', 'Network device statistic transmit_carrier.', () => 0);
  netdev('transmit_compressed_total', 'Network device statistic transmit_compressed.', () => 0);
  const ip = nodeObject?.status.addresses.find((a) => a.type === 'InternalIP')?.address ?? '';
  const mac = `02:${ip.split('.').map((o) => Number(o).toString(16).padStart(2, '0')).join(':')}:1f`.slice(0, 17);
  const info = b.family('node_network_info', 'gauge', 'Non-numeric data from /sys/class/net/<iface>, value is always 1.');
  info({ address: mac, adminstate: 'up', broadcast: 'ff:ff:ff:ff:ff:ff', device: 'eth0', duplex: '', ifalias: '', operstate: 'up' }, 1);
  info({ address: '00:00:00:00:00:00', adminstate: 'up', broadcast: '00:00:00:00:00:00', device: 'lo', duplex: '', ifalias: '', operstate: 'unknown' }, 1);
  const up = b.family('node_network_up', 'gauge', "Value is 1 if operstate is 'up', 0 otherwise.");
  up({ device: 'eth0' }, 1);
  up({ device: 'lo' }, 0);
  const mtu = b.family('node_network_mtu_bytes', 'gauge', 'Network device property: mtu_bytes');
  mtu({ device: 'eth0' }, 9001);
  mtu({ device: 'lo' }, 65536);
  b.family('node_network_carrier', 'gauge', 'Network device property: carrier')({ device: 'eth0' }, 1);
  b.family('node_network_speed_bytes', 'gauge', 'Network device property: speed_bytes')({ device: 'eth0' }, 625_000_000);
  b.family('node_network_transmit_queue_length', 'gauge', 'Network device property: transmit_queue_length')({ device: 'eth0' }, 1000);
  c('node_netstat_Tcp_ActiveOpens', 'Statistic TcpActiveOpens.', {}, Math.floor(eth0.txPackets * 0.01));
  c('node_netstat_Tcp_PassiveOpens', 'Statistic TcpPassiveOpens.', {}, Math.floor(eth0.rxPackets * 0.01));
  g('node_netstat_Tcp_CurrEstab', 'Statistic TcpCurrEstab.', {}, 38);
  c('node_netstat_Tcp_InSegs', 'Statistic TcpInSegs.', {}, Math.floor(eth0.rxPackets + lo.rxPackets));
  c('node_netstat_Tcp_OutSegs', 'Statistic TcpOutSegs.', {}, Math.floor(eth0.txPackets + lo.txPackets));
  c('node_netstat_Tcp_RetransSegs', 'Statistic TcpRetransSegs.', {}, Math.floor(eth0.txPackets * 0.0004 + traffic.txDroppedTotal));
  c('node_netstat_Tcp_InErrs', 'Statistic TcpInErrs.', {}, 0);
  c('node_netstat_TcpExt_ListenOverflows', 'Statistic TcpExtListenOverflows.', {}, 0);
  c('node_netstat_TcpExt_ListenDrops', 'Statistic TcpExtListenDrops.', {}, 0);
  c('node_netstat_TcpExt_TCPSynRetrans', 'Statistic TcpExtTCPSynRetrans.', {}, Math.floor(eth0.txPackets * 0.00002));
  c('node_netstat_Udp_InDatagrams', 'Statistic UdpInDatagrams.', {}, Math.floor(uptime * 4.2));
  c('node_netstat_Udp_OutDatagrams', 'Statistic UdpOutDatagrams.', {}, Math.floor(uptime * 4.2));
  c('node_netstat_Udp_InErrors', 'Statistic UdpInErrors.', {}, 0);
  c('node_netstat_Udp_NoPorts', 'Statistic UdpNoPorts.', {}, 12);
  c('node_netstat_Udp_RcvbufErrors', 'Statistic UdpRcvbufErrors.', {}, 0);
  c('node_netstat_Udp_SndbufErrors', 'Statistic UdpSndbufErrors.', {}, 0);
  c('node_netstat_Icmp_InMsgs', 'Statistic IcmpInMsgs.', {}, 41);
  c('node_netstat_Icmp_OutMsgs', 'Statistic IcmpOutMsgs.', {}, 41);
  const softnetProcessed = b.family('node_softnet_processed_total', 'counter', 'Number of processed packets');
  const softnetDropped = b.family('node_softnet_dropped_total', 'counter', 'Number of dropped packets');
  const softnetSqueezed = b.family('node_softnet_times_squeezed_total', 'counter', 'Number of times processing packets ran out of quota');
  for (let i = 0; i < cpus; i++) {
    softnetProcessed({ cpu: String(i) }, Math.floor((eth0.rxPackets / cpus) * (i === 0 ? 1.1 : 0.9)));
    softnetDropped({ cpu: String(i) }, 0);
    softnetSqueezed({ cpu: String(i) }, i === 0 ? 3 : 1);
  }
  b.family('node_arp_entries', 'gauge', 'ARP entries by device')({ device: 'eth0' }, 6);

  const release = nodeObject?.status.nodeInfo.kernelVersion ?? '6.1.119-129.201.amzn2023.x86_64';
  b.family('node_uname_info', 'gauge', 'Labeled system information as provided by the uname system call.')({ domainname: '(none)', machine: 'x86_64', nodename: node, release, sysname: 'Linux', version: '#1 SMP PREEMPT_DYNAMIC Tue Dec 10 18:22:47 UTC 2024' }, 1);
  b.family('node_os_info', 'gauge', 'A metric with a constant \'1\' value labeled by build_id, id, id_like, image_id, image_version, name, pretty_name, variant, variant_id, version, version_codename, version_id.')({ build_id: '', id: 'amzn', id_like: 'fedora', image_id: '', image_version: '', name: 'Amazon Linux', pretty_name: 'Amazon Linux 2023.6.20250107', variant: '', variant_id: '', version: '2023', version_codename: '', version_id: '2023' }, 1);
  b.family('node_os_version', 'gauge', 'Metric containing the major.minor part of the OS version.')({ id: 'amzn', id_like: 'fedora', name: 'Amazon Linux' }, 2023);
  b.family('node_dmi_info', 'gauge', "A metric with a constant '1' value labeled by bios_date, bios_release, bios_vendor, bios_version, board_asset_tag, board_name, board_serial, board_vendor, board_version, chassis_asset_tag, chassis_serial, chassis_vendor, chassis_version, product_family, product_name, product_serial, product_sku, product_uuid, product_version, system_vendor if provided by DMI.")({ bios_date: '10/16/2017', bios_vendor: 'Amazon EC2', bios_version: '1.0', board_asset_tag: nodeObject?.spec.providerID?.split('/').pop() ?? '', chassis_vendor: 'Amazon EC2', product_name: 't3.large', system_vendor: 'Amazon EC2' }, 1);
  b.family('node_selinux_enabled', 'gauge', 'SELinux is enabled, 1 is true, 0 is false')({}, 0);
  b.family('node_textfile_scrape_error', 'gauge', '1 if there was an error opening or reading a file, 0 otherwise')({}, 0);
  const success = b.family('node_scrape_collector_success', 'gauge', 'node_exporter: Whether a collector succeeded.');
  const duration = b.family('node_scrape_collector_duration_seconds', 'gauge', 'node_exporter: Duration of a collector scrape.');
  for (const collector of COLLECTORS) {
    success({ collector }, 1);
    duration({ collector }, collector === 'netclass' ? 0.0041 : collector === 'filesystem' ? 0.0012 : 0.0003);
  }
  b.family('node_exporter_build_info', 'gauge', 'A metric with a constant \'1\' value labeled by version, revision, branch, goversion from which node_exporter was built, and the goos and goarch for the build.')({ ...NODE_EXPORTER_VERSION, goarch: 'amd64', goos: 'linux' }, 1);
  processMetrics(b, { startTime: counters.bootTime + 180, cpuSeconds: uptime * 0.004, residentBytes: 19 * MiB, virtualBytes: 1_268 * MiB, openFds: 9, maxFds: 1_048_576 });
  goRuntime(b, { goroutines: 8, version: NODE_EXPORTER_VERSION.goversion, heapBytes: 3.1 * MiB, gcCount: Math.floor(uptime / 30) });
  const handler = b.family('promhttp_metric_handler_requests_total', 'counter', 'Total number of scrapes by HTTP status code.');
  handler({ code: '200' }, Math.floor(uptime / 15));
  handler({ code: '500' }, 0);
  handler({ code: '503' }, 0);
  return b.build();
}
