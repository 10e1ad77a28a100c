package web

// helpMessages are the help texts under the form fields that the notice
// (钟安发〔2020〕4号) defines, in the notice's own words.
var helpMessages = map[string][2]string{
	"help.category": {"通知：（一）各类违法违规“小字头”——无证无照违法违规生产的小冶炼、小电镀、小喷涂、小印染、小涉爆粉尘和各类小散乱污企业、作坊、窝点；存在重大安全隐患且无法整改的“小字头”企业。（二）“停产停业”企业——所有因环保和安全整治等原因被列入取缔、关闭、退出名单的化工企业和危险化学品经营单位。",
		"Notice: (1) illegal small workshops — unlicensed smelting, electroplating, spraying, dyeing, explosive-dust and other small polluting firms, workshops and dens, and small firms with a major hazard that cannot be fixed; (2) shut-down firms — every chemical firm and hazardous-chemicals dealer put on the ban, closure or exit list for environmental or safety reasons."},
	"help.target_type": {"通知：排查范围从“小化工”拓展延伸到各类“小字头”的违法违规小企业小作坊黑窝点，从正在生产的拓展到停产停业的。",
		"Notice: the inspection reaches every kind of small illegal firm, workshop and den, and from those producing to those shut down."},
	"help.site": {"通知：真正做到底数清、情况明、数据准、无遗漏，确保排查见底、整治彻底。",
		"Notice: know every site, its situation and exact data, miss none; inspect to the bottom and rectify thoroughly."},
	"help.source": {"通知：群众举报发现的问题，要录入全市12350有奖举报平台，符合条件的要及时兑现奖励。",
		"Notice: problems found from public tips go into the city's 12350 reward platform; rewards are paid promptly where due."},
	"help.problem_no": {"通知：对排查出的问题要建立问题清单和“一案一档”。",
		"Notice: every problem found gets a row in the problem list and a file of its own."},
	"help.penalty": {"通知：对各类违法违规行为，要依法从严查处、严厉打击，将存在违法违规行为的业主纳入社会综合信用体系，公开曝光、强化震慑。",
		"Notice: punish every violation strictly by law; put the owners on the social credit system and expose them publicly."},
	"help.disciplined": {"通知：对因官僚主义、形式主义造成底数不清、整治不力、取缔不坚决的，将依法依规依纪追究有关部门、人员责任。",
		"Notice: departments and officials whose bureaucracy or formalism leaves sites uncounted, rectification weak or bans half-hearted are held to account."},
	"help.closeout": {"通知：各村（社区）、镇（街道）主要负责人对排查整治结果严格审核、签字确认、层层上报销号。",
		"Notice: the heads of each village and town check the results strictly, sign them and report the closeout level by level."},
	"help.weekly": {"通知：开发区、镇和各街道每周三17：00前报送问题清单（附件1）和整治进度汇总表（附件2），数据信息要及时、准确、全面、详实。",
		"Notice: the development zone, towns and sub-districts send the problem list (附件1) and the progress summary (附件2) before 17:00 every Wednesday, timely, exact and complete."},
	"help.summary": {"通知：专项整治行动总结由开发区、镇和各街道主要负责人签字确认并加盖政府公章后，于11月15日前报送。",
		"Notice: the campaign summary, signed by the heads and sealed, is due before 15 November."},
	"help.period": {"通知：整治时间即日起至11月底结束。", "Notice: the campaign runs from now to the end of November."},
}
