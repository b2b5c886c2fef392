// MIT-mode field ranges of common drives, as plain data (this table moves to YAML later). Every
// number comes from the source named on its line. Ranges are firmware parameters on most drives
// (Damiao PMAX/VMAX/TMAX, CubeMars by firmware version): the values here are the vendors' defaults
// and must match what the drive itself is configured with, or commands and replies are scaled wrong.
//
// p: position ±p_max rad (16 bit) · v: velocity ±v_max rad/s (12 bit) · t: torque ±t_max N·m (12 bit)
// kp: 0..kp_max N·m/rad (12 bit) · kd: 0..kd_max N·m·s/rad (12 bit)
import type { MitProtocolCode } from './reply.ts'
import { MitProtocol } from './reply.ts'

export interface MitModel {
  name: string
  vendor: 'CubeMars' | 'Damiao' | 'Robstride'
  /** reply layout (reply.ts) */
  protocol: MitProtocolCode
  p_max: number
  v_max: number
  t_max: number
  kp_max: number
  kd_max: number
  source: string
}

// CubeMars: "AK Series Actuator Driver Manual" V1.0.8 §5.3 MIT mode parameter table, as tabulated
// in neurobionics/TMotorCANControl src/TMotorCANControl/mit_can.py (MIT_Params). KP 0..500, KD 0..5.
const AK = 'CubeMars AK Series Actuator Driver Manual V1.0.8 §5.3; neurobionics/TMotorCANControl mit_can.py MIT_Params'
// Damiao: default PMAX / VMAX / TMAX per model from the DM-J series specification table (Seeed
// Studio wiki "Damiao Series Motors", columns "Default PMAX/VMAX/TMAX", after Damiao's manuals);
// KP 0..500, KD 0..5 from the Damiao MIT control description (DM-J4310-2EC manual, MIT mode).
const DM = 'Damiao DM-J series default PMAX/VMAX/TMAX (Seeed wiki "Damiao Series Motors" specification table); KP 0..500, KD 0..5 (Damiao MIT mode)'
// Robstride: operation-control / MIT ranges from the RobStride RS0x user manuals (RS00 manual
// v1.0 2025-11-25 MIT protocol: P ±12.57 rad), cross-checked with kscalelabs/robstride
// src/actuator_types.rs (there P = ±4π = ±12.566, a 0.03 % difference; the manuals print 12.57).
const RS = 'RobStride RS0x user manuals (operation control / MIT ranges); kscalelabs/robstride src/actuator_types.rs'

export const MIT_MODELS: readonly MitModel[] = [
  { name: 'AK10-9', vendor: 'CubeMars', protocol: MitProtocol.CUBEMARS, p_max: 12.5, v_max: 50, t_max: 65, kp_max: 500, kd_max: 5, source: AK },
  { name: 'AK60-6', vendor: 'CubeMars', protocol: MitProtocol.CUBEMARS, p_max: 12.5, v_max: 50, t_max: 15, kp_max: 500, kd_max: 5, source: AK },
  { name: 'AK70-10', vendor: 'CubeMars', protocol: MitProtocol.CUBEMARS, p_max: 12.5, v_max: 50, t_max: 25, kp_max: 500, kd_max: 5, source: AK },
  { name: 'AK80-6', vendor: 'CubeMars', protocol: MitProtocol.CUBEMARS, p_max: 12.5, v_max: 76, t_max: 12, kp_max: 500, kd_max: 5, source: AK },
  { name: 'AK80-9', vendor: 'CubeMars', protocol: MitProtocol.CUBEMARS, p_max: 12.5, v_max: 50, t_max: 18, kp_max: 500, kd_max: 5, source: AK },
  { name: 'AK80-64', vendor: 'CubeMars', protocol: MitProtocol.CUBEMARS, p_max: 12.5, v_max: 8, t_max: 144, kp_max: 500, kd_max: 5, source: AK },
  { name: 'DM-J3507-2EC', vendor: 'Damiao', protocol: MitProtocol.DAMIAO, p_max: 12.566, v_max: 50, t_max: 5, kp_max: 500, kd_max: 5, source: DM },
  { name: 'DM-J4310-2EC', vendor: 'Damiao', protocol: MitProtocol.DAMIAO, p_max: 12.5, v_max: 30, t_max: 10, kp_max: 500, kd_max: 5, source: DM },
  { name: 'DM-J4340-2EC', vendor: 'Damiao', protocol: MitProtocol.DAMIAO, p_max: 12.5, v_max: 8, t_max: 28, kp_max: 500, kd_max: 5, source: DM },
  { name: 'DM-J6006-2EC', vendor: 'Damiao', protocol: MitProtocol.DAMIAO, p_max: 12.5, v_max: 45, t_max: 20, kp_max: 500, kd_max: 5, source: DM },
  { name: 'DM-J8006-2EC', vendor: 'Damiao', protocol: MitProtocol.DAMIAO, p_max: 12.5, v_max: 45, t_max: 40, kp_max: 500, kd_max: 5, source: DM },
  { name: 'DM-J8009-2EC', vendor: 'Damiao', protocol: MitProtocol.DAMIAO, p_max: 12.5, v_max: 45, t_max: 54, kp_max: 500, kd_max: 5, source: DM },
  { name: 'DM-J10010-2EC', vendor: 'Damiao', protocol: MitProtocol.DAMIAO, p_max: 12.5, v_max: 20, t_max: 200, kp_max: 500, kd_max: 5, source: DM },
  { name: 'DM-J10010L-2EC', vendor: 'Damiao', protocol: MitProtocol.DAMIAO, p_max: 12.5, v_max: 25, t_max: 200, kp_max: 500, kd_max: 5, source: DM },
  { name: 'RS00', vendor: 'Robstride', protocol: MitProtocol.ROBSTRIDE, p_max: 12.57, v_max: 33, t_max: 14, kp_max: 500, kd_max: 5, source: RS },
  { name: 'RS01', vendor: 'Robstride', protocol: MitProtocol.ROBSTRIDE, p_max: 12.57, v_max: 44, t_max: 17, kp_max: 500, kd_max: 5, source: RS },
  { name: 'RS02', vendor: 'Robstride', protocol: MitProtocol.ROBSTRIDE, p_max: 12.57, v_max: 44, t_max: 17, kp_max: 500, kd_max: 5, source: RS },
  { name: 'RS03', vendor: 'Robstride', protocol: MitProtocol.ROBSTRIDE, p_max: 12.57, v_max: 20, t_max: 60, kp_max: 5000, kd_max: 100, source: RS },
  { name: 'RS04', vendor: 'Robstride', protocol: MitProtocol.ROBSTRIDE, p_max: 12.57, v_max: 15, t_max: 120, kp_max: 5000, kd_max: 100, source: RS }
]
