# Chooses the hybrid fusion on several evaluation sets at once, from the candidates Export-FusionCandidates.ps1
# writes (each query's vector and keyword top 50 with sources and scores, and its qrels). Python 3 standard library.
# usage: python3 bench/Rag/Fusion/tune_fusion.py [folder with <Set>.jsonl]  (default /tmp/fusion)
import sys
FOLDER = sys.argv[1] if len(sys.argv) > 1 else '/tmp/fusion'
import json, math, itertools, sys
sets = ['SciFact','DebianDocs','Multilingual','MultilingualCjk']
data = {s:[json.loads(l) for l in open(f'{FOLDER}/{s}.jsonl')] for s in sets}

def metrics(ranked_sources, rel):
    rels = {d:g for d,g in rel}
    seen=[]; 
    for s in ranked_sources:
        if s not in seen: seen.append(s)
        if len(seen)==10: break
    dcg=sum((rels.get(s,0))/math.log2(i+2) for i,s in enumerate(seen))
    ideal=sorted(rels.values(), reverse=True)[:10]
    idcg=sum(g/math.log2(i+2) for i,g in enumerate(ideal))
    hit5 = any(s in rels and rels[s]>0 for s in seen[:5])
    return (dcg/idcg if idcg else 0), hit5

def fuse(q, k=10, wv=1.0, wk=1.0, sure_ratio=None, sure_w=1.0, agree_first=None, depth=50):
    vec=q['vec'][:depth]; kw=q['kw'][:depth]
    score={}; src={}; inv={}; ink={}
    w_k = wk
    if sure_ratio is not None and len(kw)>=1:
        s1=kw[0][2]; s2=kw[1][2] if len(kw)>1 else 0
        if s2<=0 or s1>=sure_ratio*s2: w_k = wk*sure_w
    for i,(s,c,sc) in enumerate(vec):
        score[c]=score.get(c,0)+wv/(k+i+1); src[c]=s; inv[c]=i+1
    for i,(s,c,sc) in enumerate(kw):
        score[c]=score.get(c,0)+w_k/(k+i+1); src[c]=s; ink[c]=i+1
    items=list(score)
    if agree_first:
        key=lambda c: (-(1 if (inv.get(c,99)<=agree_first and ink.get(c,99)<=agree_first) else 0), -score[c], c)
    else:
        key=lambda c: (-score[c], c)
    items.sort(key=key)
    return [src[c] for c in items]

def run(name, **kw):
    row=[]
    for s in sets:
        n=[];h=[]
        for q in data[s]:
            a,b=metrics(fuse(q,**kw), q['rel']); n.append(a); h.append(b)
        row.append((sum(n)/len(n), sum(h)/len(h)))
    print(f"{name:45s} "+"  ".join(f"{s[:8]:>8s} {a:.4f}/{b:.3f}" for s,(a,b) in zip(sets,row)))
    return row

def single(mode):
    row=[]
    for s in sets:
        n=[];h=[]
        for q in data[s]:
            a,b=metrics([x[0] for x in q[mode]], q['rel']); n.append(a); h.append(b)
        row.append((sum(n)/len(n), sum(h)/len(h)))
    print(f"{mode:45s} "+"  ".join(f"{s[:8]:>8s} {a:.4f}/{b:.3f}" for s,(a,b) in zip(sets,row)))

single('vec'); single('kw')

def fuse3(q, k=10, ref=2, ratio=1.3, w=2.0, depth=50):
    vec=q['vec'][:depth]; kw=q['kw'][:depth]
    wk=1.0
    if kw:
        s1=kw[0][2]; sr=kw[ref-1][2] if len(kw)>=ref else 0
        if sr<=0 or s1>=ratio*sr: wk=w
    score={}; src={}
    for i,(s,c,sc) in enumerate(vec): score[c]=score.get(c,0)+1/(k+i+1); src[c]=s
    for i,(s,c,sc) in enumerate(kw): score[c]=score.get(c,0)+wk/(k+i+1); src[c]=s
    return [src[c] for c in sorted(score, key=lambda c:(-score[c],c))]
def evalf(f, **kw):
    row=[]
    for s in sets:
        n=[];h=[]
        for q in data[s]:
            a,b=metrics(f(q,**kw), q['rel']); n.append(a); h.append(b)
        row.append((sum(n)/len(n), sum(h)/len(h)))
    return row
base=evalf(fuse3, w=1.0)
res=[]
for k in (10,):
  for ref in (2,3,5,10):
    for ratio in (1.1,1.2,1.3,1.5,1.75,2.0):
      for w in (1.5,2.0,3.0):
        row=evalf(fuse3,k=k,ref=ref,ratio=ratio,w=w)
        d=[r[0]-b[0] for r,b in zip(row,base)]
        res.append((sum(d[:3])/3, min(d[:3]), d, k,ref,ratio,w,row))
res.sort(key=lambda r:-r[0])
print('base', ' '.join(f'{a:.4f}/{b:.3f}' for a,b in base))
for r in res[:12]:
    print(f"mean3 {r[0]:+.4f} min3 {r[1]:+.4f} cjk {r[2][3]:+.4f} ref{r[4]} ratio{r[5]} w{r[6]} ", ' '.join(f'{a:.4f}/{b:.3f}' for a,b in r[7]))
print('-- best with min3 >= -0.002')
for r in [x for x in res if x[1]>=-0.002][:8]:
    print(f"mean3 {r[0]:+.4f} min3 {r[1]:+.4f} cjk {r[2][3]:+.4f} ref{r[4]} ratio{r[5]} w{r[6]} ", ' '.join(f'{a:.4f}/{b:.3f}' for a,b in r[7]))

print('-- the chosen rule: against the last hit when fewer than ref')

def fuse4(q, k=10, ref=10, ratio=1.75, w=2.0, depth=50):
    vec=q['vec'][:depth]; kw=q['kw'][:depth]
    wk=1.0
    if kw:
        s1=kw[0][2]; sr=kw[min(ref,len(kw))-1][2]
        if len(kw)==1 or s1>=ratio*sr: wk=w
    score={}; src={}
    for i,(s,c,sc) in enumerate(vec): score[c]=score.get(c,0)+1/(k+i+1); src[c]=s
    for i,(s,c,sc) in enumerate(kw): score[c]=score.get(c,0)+wk/(k+i+1); src[c]=s
    return [src[c] for c in sorted(score, key=lambda c:(-score[c],c))]
for args in [dict(w=1.0), dict(), dict(ratio=2.0,w=3.0), dict(ratio=1.5), dict(ratio=2.0)]:
    print(args, ' '.join(f'{a:.4f}/{b:.3f}' for a,b in evalf(fuse4, **args)))
