/**
 * Lua health checks for argocd-cm (`resource.customizations.health.<group>_<Kind>`).
 *
 * Argo CD 1.8 dropped the built-in health of `argoproj.io/Application`, so an app-of-apps no longer
 * waits for a child Application to be healthy before the next sync wave. Restoring it makes the waves
 * of `dist/<site>/apps/` real: an operator is Healthy before the Application with its CRs syncs.
 */

/** Health of a child Application: its own reported health, Progressing until it has one. */
export const APPLICATION_HEALTH = `hs = {}
hs.status = "Progressing"
hs.message = ""
if obj.status ~= nil and obj.status.health ~= nil then
  hs.status = obj.status.health.status
  if obj.status.health.message ~= nil then
    hs.message = obj.status.health.message
  end
end
return hs
`;

/** CephCluster: Healthy on HEALTH_OK, Degraded on HEALTH_ERR, Progressing while Rook creates it. */
export const CEPH_CLUSTER_HEALTH = `hs = {}
hs.status = "Progressing"
hs.message = "waiting for the Ceph cluster"
if obj.status ~= nil and obj.status.ceph ~= nil and obj.status.ceph.health ~= nil then
  local health = obj.status.ceph.health
  hs.message = health
  if health == "HEALTH_OK" or health == "HEALTH_WARN" then
    hs.status = "Healthy"
  elseif health == "HEALTH_ERR" then
    hs.status = "Degraded"
  end
end
if obj.status ~= nil and obj.status.phase == "Failure" then
  hs.status = "Degraded"
  hs.message = obj.status.message or "Rook reports Failure"
end
return hs
`;

/** ObjectBucketClaim: Healthy once Bound (its Secret and ConfigMap exist), Degraded on Failed. */
export const OBJECT_BUCKET_CLAIM_HEALTH = `hs = {}
hs.status = "Progressing"
hs.message = "waiting for the bucket"
if obj.status ~= nil and obj.status.phase ~= nil then
  hs.message = obj.status.phase
  if obj.status.phase == "Bound" then
    hs.status = "Healthy"
  elseif obj.status.phase == "Failed" then
    hs.status = "Degraded"
  end
end
return hs
`;

/** The checks, keyed as argocd-cm wants them. */
export const HEALTH_CHECKS: Readonly<Record<`resource.customizations.health.${string}`, string>> = {
  'resource.customizations.health.argoproj.io_Application': APPLICATION_HEALTH,
  'resource.customizations.health.ceph.rook.io_CephCluster': CEPH_CLUSTER_HEALTH,
  'resource.customizations.health.objectbucket.io_ObjectBucketClaim': OBJECT_BUCKET_CLAIM_HEALTH,
};
