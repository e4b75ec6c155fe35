/** `pod.spread`: how strictly every workload's replicas spread over nodes and zones. */
import { z } from 'zod';

export const spreadSchema = z.strictObject({
  nodes: z.enum(['hard', 'soft']).default('hard')
    .describe('Spread over nodes (kubernetes.io/hostname): "hard" = DoNotSchedule (never two more on one node than on another), "soft" = ScheduleAnyway'),
  zones: z.enum(['hard', 'soft']).default('soft')
    .describe('Spread over zones (topology.kubernetes.io/zone): "hard" = DoNotSchedule, "soft" = ScheduleAnyway'),
}).prefault({}).describe('Topology spread of every workload; both honour node taints and node affinity (nodeTaintsPolicy/nodeAffinityPolicy Honor), so nodes a pod may not run on never count');
